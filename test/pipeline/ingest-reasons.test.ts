// Each rejection reason, on a hand-made file whose every line says what it should be.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../pipeline/config.js";
import { ingest } from "../../pipeline/ingest/ingest.js";
import { tempDir } from "../helpers/tmp.js";

const FIXTURE = "test/fixtures/ingest/reasons.csv";
// Low enough that customer 99's four rows on 2022-10-02 make it a bot, and customer
// 18's three rows on 2022-10-04 do not.
const config = parseConfig({ botMaxPerDay: 3 });

async function run(cfg = config) {
  const out = join(tempDir(), "rejected.csv");
  const data = await ingest([FIXTURE], { config: cfg, rejectedPath: out });
  const rejected = parse(readFileSync(out, "utf8"), { columns: true }) as {
    source: string;
    line: string;
    reason: string;
    raw: string;
  }[];
  return { data, rejected };
}

describe("ingest: every row is kept or rejected for exactly one reason", () => {
  it("counts each reason as the fixture's lines say", async () => {
    const { data } = await run();
    expect(data.accounting).toEqual({
      rows_read: 19,
      rows_kept: 5,
      rejected: {
        malformed_row: 2,
        missing_customer_id: 1,
        missing_product_id: 1,
        missing_event: 1,
        unknown_event: 1,
        invalid_date: 1,
        invalid_id: 1,
        duplicate: 1,
        bot: 5,
      },
    });
  });

  it("writes each rejected row as read, with its reason and line number, in file order", async () => {
    const { rejected } = await run();
    const source = readFileSync(FIXTURE, "utf8").split("\n");
    expect(rejected.map((r) => [Number(r.line), r.reason])).toEqual([
      [3, "missing_customer_id"],
      [4, "missing_product_id"],
      [5, "missing_event"],
      [6, "unknown_event"],
      [7, "invalid_date"],
      [8, "invalid_id"],
      [9, "duplicate"],
      [10, "malformed_row"],
      [11, "malformed_row"],
      [12, "bot"],
      [13, "bot"],
      [14, "bot"],
      [15, "bot"],
      [17, "bot"],
    ]);
    for (const r of rejected) {
      expect(r.source).toBe(FIXTURE);
      expect(r.raw).toBe(source[Number(r.line) - 1]);
    }
  });

  it("keeps the rest, with events trimmed and lower-cased and ids of bots dropped", async () => {
    const { data } = await run();
    expect(data.customers.sort()).toEqual(["10", "17", "18"]);
    expect(data.products.sort()).toEqual(["100", "107", "108", "109", "110"]);
    const p107 = data.products.indexOf("107");
    expect(data.productNames[p107]).toBe("Quoted, with comma");
    const events = Array.from(data.event, (e) => data.events[e]).sort();
    expect(events).toEqual(["cart", "cart", "cart", "cart", "purchased"]);
  });

  it("the threshold is the config's: at 4 a day customer 99 is no bot", async () => {
    const { data } = await run(parseConfig({ botMaxPerDay: 4 }));
    expect(data.accounting.rejected.bot).toBe(0);
    expect(data.accounting.rows_kept).toBe(10);
  });

  it("unknownEvents: keep keeps the row under its own name with unknownEventWeight", async () => {
    const { data } = await run(
      parseConfig({ botMaxPerDay: 3, unknownEvents: "keep", unknownEventWeight: 0.25 }),
    );
    expect(data.accounting.rejected.unknown_event).toBe(0);
    expect(data.accounting.rows_kept).toBe(6);
    const view = data.events.indexOf("view");
    expect(view).toBeGreaterThanOrEqual(0);
    expect(data.eventWeights[view]).toBe(0.25);
  });

  it("without a rejected path it only counts", async () => {
    const data = await ingest([FIXTURE], { config });
    expect(data.accounting.rows_read).toBe(19);
    expect(data.accounting.rows_kept).toBe(5);
  });
});
