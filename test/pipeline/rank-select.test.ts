import { describe, expect, it } from "vitest";
import { sortAscending } from "../../pipeline/model/rank.js";

/** Distinct doubles in a scrambled order (a fixed linear congruential sequence). */
function scrambled(n: number, seed: number): Float64Array {
  const keys = new Float64Array(n);
  let x = seed;
  const seen = new Set<number>();
  for (let i = 0; i < n; ) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const key = (x % 100_000) * 2 ** 20 + (i % 7);
    if (seen.has(key)) continue;
    seen.add(key);
    keys[i++] = key;
  }
  return keys;
}

describe("the ranking's key sorting", () => {
  it("sortAscending sorts any range in place, as a typed array's own sort does", () => {
    for (const n of [0, 1, 2, 3, 16, 17, 18, 100, 301, 5000]) {
      const keys = scrambled(n, n + 1);
      const want = Float64Array.from(keys).sort();
      sortAscending(keys, 0, n - 1);
      expect(keys, `n = ${n}`).toEqual(want);
    }
    // Already sorted and reversed inputs, and a range that leaves the rest alone.
    const up = Float64Array.from({ length: 200 }, (_, i) => i);
    const down = Float64Array.from({ length: 200 }, (_, i) => 199 - i);
    sortAscending(up, 0, 199);
    sortAscending(down, 0, 199);
    expect(down).toEqual(up);
    const part = Float64Array.of(9, 5, 4, 3, 0);
    sortAscending(part, 1, 3);
    expect([...part]).toEqual([9, 3, 4, 5, 0]);
  });

  it("with an end, sorts only the smallest keys into the positions before it", () => {
    for (const [n, end] of [
      [50, 10],
      [300, 100],
      [101, 100],
      [1000, 1],
      [40, 60],
    ]) {
      const keys = scrambled(n, 7 * n + end);
      const sorted = Float64Array.from(keys).sort();
      sortAscending(keys, 0, n - 1, end);
      const k = Math.min(n, end);
      expect(keys.subarray(0, k), `n = ${n}, end = ${end}`).toEqual(sorted.subarray(0, k));
      // The others are all still there, after them.
      expect(Float64Array.from(keys.subarray(k)).sort()).toEqual(sorted.subarray(k));
    }
  });
});
