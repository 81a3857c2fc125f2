// The date formats of docs/contract.md ("Input and row accounting"): ISO 8601 with `T` or a space, with or without
// fractional seconds, `Z` or an offset; no zone means UTC.
import { describe, expect, it } from "vitest";
import { parseEventDate } from "../../pipeline/ingest/dates.js";

// 2022-10-01T10:20:30Z: 1664582400 s is 2022-10-01T00:00:00Z, plus 10 h 20 min 30 s.
const T = (1664582400 + 10 * 3600 + 20 * 60 + 30) * 1000;

describe("parseEventDate", () => {
  it.each([
    ["2022-10-01 10:20:30", T],
    ["2022-10-01T10:20:30", T],
    ["2022-10-01T10:20:30Z", T],
    ["2022-10-01 10:20:30z", T],
    ["2022-10-01 10:20:30.250", T + 250],
    ["2022-10-01T10:20:30.123456Z", T + 123],
    ["2022-10-01T10:20:30,5Z", T + 500],
    ["2022-10-01T12:20:30+02:00", T],
    ["2022-10-01T05:20:30-0500", T],
    ["2022-10-01 11:20:30 +01", T],
    ["2022-10-01T10:50:30.000+00:30", T],
    ["  2022-10-01 10:20:30  ", T],
    ["2022-10-01 10:20", T - 30_000],
    ["2022-10-01", 1664582400 * 1000],
    ["2024-02-29 00:00:00", 1709164800 * 1000],
  ])("%j is %d", (text, expected) => {
    expect(parseEventDate(text)).toBe(expected);
  });

  it.each([
    "",
    "not a date",
    "01/10/2022 10:20:30",
    "2022-13-01 00:00:00",
    "2022-02-29 00:00:00",
    "2022-10-32",
    "2022-10-01 24:00:00",
    "2022-10-01 10:60:00",
    "2022-10-01 10:20:61",
    "2022-10-01T10:20:30+25:00",
    "2022-10-01T10:20:30 UTC",
    "20221001T102030Z",
    "2022-1O-01 10:20:30",
  ])("%j is rejected", (text) => {
    expect(parseEventDate(text)).toBeNaN();
  });
});
