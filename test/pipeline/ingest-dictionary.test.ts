// The id dictionary: numeric fast path and string path must agree on identity.
import { describe, expect, it } from "vitest";
import { Dictionary } from "../../pipeline/ingest/columns.js";
import { decideIdType } from "../../pipeline/serialize/serialize.js";

describe("Dictionary", () => {
  it("gives each distinct id one dense index, in first-seen order", () => {
    const d = new Dictionary();
    expect(["42", "abc", "42", "7", "abc", "0"].map((id) => d.intern(id))).toEqual([0, 1, 0, 2, 1, 3]);
    expect(d.ids).toEqual(["42", "abc", "7", "0"]);
    expect(d.get("7")).toBe(2);
    expect(d.get("8")).toBeUndefined();
  });

  it("keeps ids apart that are equal as numbers but not as text", () => {
    const d = new Dictionary();
    const ids = ["7", "007", "07", "7.0", "1e3", "1000", "999999999999999", "9999999999999999", "-1"];
    const idx = ids.map((id) => d.intern(id));
    expect(new Set(idx).size).toBe(ids.length);
    expect(ids.map((id) => d.get(id))).toEqual(idx);
  });

  it("survives growth: 200,000 numeric ids round-trip", () => {
    const d = new Dictionary();
    const id = (i: number) => String(i * 7919 + 13);
    let wrong = 0;
    for (let i = 0; i < 200_000; i++) if (d.intern(id(i)) !== i) wrong++;
    for (let i = 0; i < 200_000; i++) if (d.get(id(i)) !== i || d.intern(id(i)) !== i) wrong++;
    expect(wrong).toBe(0);
    expect(d.size).toBe(200_000);
    expect(d.ids[199_999]).toBe(id(199_999));
  });

  it("knows whether every id it holds is an integer, only when a scan of its ids says number too", () => {
    const lists = [
      ["1", "20", "300", "999999999999999"],
      ["1", "020"],
      ["1", "9007199254740991"],
      ["0", "a-1"],
      ["12", "12.0"],
    ];
    for (const ids of lists) {
      const d = new Dictionary();
      for (const id of ids) d.intern(id);
      // A shortcut for the build: it may say no where the scan says number (16 digits), never the reverse.
      if (d.allIntegers) expect(decideIdType(d.ids)).toBe("number");
      expect(d.allIntegers).toBe(ids === lists[0]);
    }
  });
});
