import { describe, expect, it } from "vitest";
import {
  meanOf,
  percentileInterval,
  quantile,
  ratioInterval,
  replicateMeans,
  sparse,
} from "../../pipeline/model/bootstrap.js";
import { evaluate } from "../../pipeline/model/evaluate.js";
import { config, interactions, type Row } from "./model-fixture.js";

/** Products where a share `rate` have a hit (value 1), spread evenly. */
function hits(n: number, rate: number): Float64Array {
  const v = new Float64Array(n);
  const every = Math.round(1 / rate);
  for (let i = 0; i < n; i += every) v[i] = 1;
  return v;
}

const intervalOf = (values: Float64Array, seed = "t") => {
  const s = sparse(values);
  const [reps] = replicateMeans([s], values.length, 1000, seed);
  return percentileInterval(meanOf(s, values.length), reps);
};

describe("bootstrap intervals over products", () => {
  it("a known case by hand: two products worth 0 and 1 resample to means 0, 0.5, 1 (1/4, 1/2, 1/4)", () => {
    const s = sparse([0, 1]);
    const [reps] = replicateMeans([s], 2, 4000, "hand");
    const share = (m: number) => reps.filter((x) => x === m).length / reps.length;
    expect(share(0)).toBeGreaterThan(0.22);
    expect(share(0)).toBeLessThan(0.28);
    expect(share(0.5)).toBeGreaterThan(0.47);
    expect(share(0.5)).toBeLessThan(0.53);
    // 25% of the replicates sit at each end, far more than the 2.5% tails: the interval is [0, 1].
    expect(percentileInterval(0.5, reps)).toEqual({ value: 0.5, low: 0, high: 1 });
  });

  it("a constant metric has a zero-width interval, and a model worth twice the baseline on every product has lift exactly 2", () => {
    const base = new Float64Array([0.1, 0.2, 0.4, 0.3]);
    const model = base.map((x) => 2 * x);
    const [m, b] = replicateMeans([sparse(model), sparse(base)], 4, 500, "pair");
    const lift = ratioInterval(meanOf(sparse(model), 4), meanOf(sparse(base), 4), m, b)!;
    expect(lift.value).toBeCloseTo(2, 12);
    expect(lift.low).toBeCloseTo(2, 12);
    expect(lift.high!).toBeCloseTo(2, 12);
    const flat = intervalOf(new Float64Array(50).fill(0.3));
    for (const x of [flat.value, flat.low, flat.high!]) expect(x).toBeCloseTo(0.3, 12);
  });

  it("the interval covers the point estimate and shrinks with more products", () => {
    const small = intervalOf(hits(500, 0.05));
    const large = intervalOf(hits(20_000, 0.05));
    for (const i of [small, large]) {
      expect(i.value).toBeCloseTo(0.05, 3);
      expect(i.low).toBeLessThan(i.value);
      expect(i.high!).toBeGreaterThan(i.value);
    }
    const width = (i: typeof small) => i.high! - i.low;
    // The width of a mean's interval goes as 1/sqrt(n): 40 times the products, about 1/6.3 the width.
    expect(width(large)).toBeLessThan(width(small) / 4);
    // Binomial standard error sqrt(0.05 * 0.95 / 500) = 0.00975: a 95% interval is about ±0.019.
    expect(width(small)).toBeGreaterThan(0.03);
    expect(width(small)).toBeLessThan(0.047);
  });

  it("a lift over a baseline scoring 0 is null, and unbounded when the baseline can resample to 0", () => {
    expect(ratioInterval(0.5, 0, new Float64Array([0.5]), new Float64Array([0]))).toBeNull();
    const lift = ratioInterval(1, 0.5, new Float64Array([1, 1, 1, 1]), new Float64Array([0, 0, 0.5, 0.5]))!;
    expect(lift.high).toBeNull();
    expect(lift.low).toBe(2);
  });

  it("quantiles interpolate between order statistics", () => {
    expect(quantile(new Float64Array([1, 2, 3, 4, 5]), 0.5)).toBe(3);
    expect(quantile(new Float64Array([0, 10]), 0.25)).toBe(2.5);
  });

  it("evaluate reports each metric with an interval that covers it, and hit counts", () => {
    const rows: Row[] = [
      ["A", "p1", "cart", "2022-10-01T00:00:00Z"],
      ["B", "p1", "cart", "2022-10-02T00:00:00Z"],
      ["A", "p2", "cart", "2022-10-03T00:00:00Z"],
      ["C", "p3", "cart", "2022-10-04T00:00:00Z"],
      ["C", "p1", "cart", "2022-10-10T00:00:00Z"],
      ["E", "p1", "cart", "2022-10-10T00:00:00Z"],
      ["A", "p3", "cart", "2022-10-10T00:00:00Z"],
    ];
    const e = evaluate(interactions(rows), config(), { ks: [5] });
    expect(e.bootstrap).toEqual({ replicates: 1000, confidence: 0.95, over: "products" });
    for (const model of ["random", "activity", "engagement", "full"] as const) {
      const m = e.models[model];
      // p1: recall 1/2, p3: recall 1: the resampled means are 0.5, 0.75 or 1.
      expect(m.intervals.recall["5"]).toEqual({ value: 0.75, low: 0.5, high: 1 });
      expect(m.hits["5"]).toBe(2);
    }
    // Every model finds the same: lift exactly 1.
    expect(e.lift.activity.recall["5"]).toEqual({ value: 1, low: 1, high: 1 });
  });
});
