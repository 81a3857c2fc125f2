import { describe, expect, it } from "vitest";
import { strongest } from "../../pipeline/model/affinity.js";

// acc holds [round, x] per customer; only x (odd slots) matters here.
function accOf(xs: number[]): Float64Array {
  const acc = new Float64Array(xs.length * 2);
  xs.forEach((x, c) => (acc[c * 2 + 1] = x));
  return acc;
}

function run(items: number[], xs: number[], position: number[], k: number): number[] {
  const kept = new Int32Array(k);
  const count = strongest(Int32Array.from(items), items.length, accOf(xs), Int32Array.from(position), kept);
  return Array.from(kept.subarray(0, count));
}

describe("strongest (per-token customer lists)", () => {
  it("keeps the k largest x, best first", () => {
    // customers 0..5 with x 1, 5, 3, 0.5, 4, 2: the top three are 1 (5), 4 (4), 2 (3).
    expect(run([0, 1, 2, 3, 4, 5], [1, 5, 3, 0.5, 4, 2], [0, 1, 2, 3, 4, 5], 3)).toEqual([1, 4, 2]);
  });

  it("breaks equal x by the earlier engagement position, whatever the visit order", () => {
    // All x equal: positions 2, 0, 1 → customers ordered 1, 2, 0; k = 2 keeps 1 and 2.
    expect(run([0, 1, 2], [7, 7, 7], [2, 0, 1], 2)).toEqual([1, 2]);
    expect(run([2, 0, 1], [7, 7, 7], [2, 0, 1], 2)).toEqual([1, 2]);
  });

  it("keeps visit order for a full tie (suppressed customers share position -1), and a late equal never displaces", () => {
    expect(run([3, 1, 2], [0, 4, 4, 4], [-1, -1, -1, -1], 2)).toEqual([3, 1]);
  });

  it("returns fewer than k when fewer were visited", () => {
    expect(run([1, 0], [2, 3], [0, 1], 30)).toEqual([1, 0]);
    expect(run([], [], [], 30)).toEqual([]);
  });
});
