import { describe, expect, it } from "vitest";
import {
  diversity,
  hitRateAt,
  type Judged,
  ndcgAt,
  precisionAt,
  recallAt,
} from "../../pipeline/model/metrics.js";

const judged = (ranked: number[], truth: number[], truthSize = truth.length): Judged => ({
  ranked,
  truth: new Set(truth),
  truthSize,
});

describe("metrics", () => {
  it("a perfect ranking: every truth customer first", () => {
    const j = judged([1, 2, 3, 4, 5], [1, 2]);
    expect(precisionAt(j, 5)).toBe(2 / 5);
    expect(precisionAt(j, 2)).toBe(1);
    expect(recallAt(j, 5)).toBe(1);
    expect(hitRateAt(j, 5)).toBe(1);
    expect(ndcgAt(j, 5)).toBe(1);
  });

  it("the worst ranking: no truth customer at all", () => {
    const j = judged([3, 4, 5, 6, 7], [1, 2]);
    expect(precisionAt(j, 5)).toBe(0);
    expect(recallAt(j, 5)).toBe(0);
    expect(hitRateAt(j, 5)).toBe(0);
    expect(ndcgAt(j, 5)).toBe(0);
  });

  it("a truth customer at rank 2 of 5", () => {
    const j = judged([9, 1, 8, 7, 6], [1]);
    expect(precisionAt(j, 5)).toBe(0.2);
    expect(precisionAt(j, 1)).toBe(0);
    expect(hitRateAt(j, 1)).toBe(0);
    expect(hitRateAt(j, 2)).toBe(1);
    // DCG 1/log2(3); the ideal puts it at rank 1: 1/log2(2) = 1.
    expect(ndcgAt(j, 5)).toBeCloseTo(1 / Math.log2(3), 12);
  });

  it("truth the model never saw still counts against recall and NDCG", () => {
    // Three truth customers, one of them seen in training and ranked first.
    const j = judged([1, 5, 6], [1], 3);
    expect(recallAt(j, 3)).toBeCloseTo(1 / 3, 12);
    expect(ndcgAt(j, 3)).toBeCloseTo(1 / (1 + 1 / Math.log2(3) + 1 / Math.log2(4)), 12);
  });

  it("a short list counts its empty slots as misses in precision", () => {
    expect(precisionAt(judged([1], [1]), 10)).toBe(0.1);
  });

  it("diversity: distinct customers over slots, and the largest share of audiences one customer sits in", () => {
    // Slots: 2 + 2 + 1 = 5; distinct: 1, 2, 3 → 3/5. Customer 1 sits in all three audiences.
    expect(diversity([[1, 2], [1, 3], [1]], 10)).toEqual({ distinct_share: 3 / 5, max_share: 1 });
    // Cut at k = 1: slots 1, 1, 1, all customer 1.
    expect(diversity([[1, 2], [1, 3], [1]], 1)).toEqual({ distinct_share: 1 / 3, max_share: 1 });
    expect(diversity([[1], [2]], 10)).toEqual({ distinct_share: 1, max_share: 0.5 });
  });
});
