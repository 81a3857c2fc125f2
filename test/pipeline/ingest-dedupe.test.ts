// The duplicate index: a row equal in all four fields to an earlier one is a duplicate, a row
// differing in any one field is not, through the table's growth.
import { describe, expect, it } from "vitest";
import { DuplicateIndex } from "../../pipeline/ingest/dedupe.js";

describe("DuplicateIndex", () => {
  it("finds exact repeats only, across growth", () => {
    const n = 50_000;
    const c = new Int32Array(4 * n);
    const p = new Int32Array(4 * n);
    const e = new Uint8Array(4 * n);
    const t = new Float64Array(4 * n);
    const index = new DuplicateIndex(
      () => c,
      () => p,
      () => e,
      () => t,
      1024,
    );
    let rows = 0;
    const add = (cv: number, pv: number, ev: number, tv: number) => {
      c[rows] = cv;
      p[rows] = pv;
      e[rows] = ev;
      t[rows] = tv;
      const duplicate = index.addOrFindDuplicate(rows, cv, pv, ev, tv);
      if (!duplicate) rows++;
      return duplicate;
    };
    const time = (i: number) => 1.6e12 + i * 60_000;
    let flagged = 0;
    for (let i = 0; i < n; i++) if (add(i % 997, i % 131, i % 3, time(i))) flagged++;
    expect(flagged).toBe(0);
    // Each row again, then each with one field changed.
    let repeats = 0;
    let near = 0;
    for (let i = 0; i < n; i += 7) {
      if (add(i % 997, i % 131, i % 3, time(i))) repeats++;
      if (add((i % 997) + 1000, i % 131, i % 3, time(i))) near++;
      if (add(i % 997, (i % 131) + 1000, i % 3, time(i))) near++;
      if (add(i % 997, i % 131, (i % 3) + 3, time(i))) near++;
      if (add(i % 997, i % 131, i % 3, time(i) + 1)) near++;
    }
    expect(repeats).toBe(Math.ceil(n / 7));
    expect(near).toBe(0);
  });
});
