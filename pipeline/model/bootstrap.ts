// Bootstrap confidence intervals over products (docs/model.md, "Error bars").
//
// Every evaluation metric is a mean over the evaluated products, and hits are rare (a few
// hundred of tens of thousands of products), so a difference between two models can be
// noise. A replicate draws the products again with replacement (n draws from n products)
// and recomputes every mean on the same draw; the 2.5% and 97.5% quantiles of the
// replicates bound the 95% interval. Drawing once per replicate for every series is what
// makes the lift intervals paired: model and baseline are judged on the same products.
//
// Per-product values are mostly zero, so each series is kept sparse and a replicate costs
// one draw per product plus one multiply per non-zero value.
import { seededRandom } from "../generate/random.js";

export const BOOTSTRAP_REPLICATES = 1000;
export const CONFIDENCE = 0.95;

/** A point estimate and its 95% interval. `high` is null when it is unbounded (a ratio over 0). */
export interface Interval {
  value: number;
  low: number;
  high: number | null;
}

/** One metric's per-product values, without the zeros. */
export interface Series {
  index: Int32Array;
  value: Float64Array;
}

export function sparse(values: ArrayLike<number>): Series {
  const index: number[] = [];
  const value: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (values[i] !== 0) {
      index.push(i);
      value.push(values[i]);
    }
  }
  return { index: Int32Array.from(index), value: Float64Array.from(value) };
}

function sumOf(s: Series, weight?: Int32Array): number {
  let sum = 0;
  if (weight) for (let k = 0; k < s.index.length; k++) sum += weight[s.index[k]] * s.value[k];
  else for (let k = 0; k < s.value.length; k++) sum += s.value[k];
  return sum;
}

/**
 * The mean of every series over n products, for each of `replicates` resamples of the
 * products (the same resample for every series): result[s][r].
 */
export function replicateMeans(
  series: Series[],
  n: number,
  replicates = BOOTSTRAP_REPLICATES,
  seed: number | string = "bootstrap",
): Float64Array[] {
  const out = series.map(() => new Float64Array(replicates));
  if (n === 0) return out;
  const rng = seededRandom(seed);
  const weight = new Int32Array(n);
  for (let r = 0; r < replicates; r++) {
    weight.fill(0);
    for (let i = 0; i < n; i++) weight[Math.floor(rng() * n)]++;
    for (let s = 0; s < series.length; s++) out[s][r] = sumOf(series[s], weight) / n;
  }
  return out;
}

export function meanOf(s: Series, n: number): number {
  return n > 0 ? sumOf(s) / n : 0;
}

/** The q-quantile of the values (linear between order statistics); +Infinity sorts last. */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  if (lo === hi || sorted[lo] === sorted[hi]) return sorted[lo];
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

/** The percentile interval of the replicates around `value`. */
export function percentileInterval(value: number, replicates: Float64Array): Interval {
  const sorted = Float64Array.from(replicates).sort();
  const tail = (1 - CONFIDENCE) / 2;
  const low = quantile(sorted, tail);
  const high = quantile(sorted, 1 - tail);
  return { value, low, high: Number.isFinite(high) ? high : null };
}

/**
 * The ratio of two means (model over baseline) with its paired interval, from the same
 * replicates. Null when the baseline's own mean is 0: there is no ratio to bound.
 */
export function ratioInterval(
  model: number,
  baseline: number,
  modelReps: Float64Array,
  baselineReps: Float64Array,
): Interval | null {
  if (baseline === 0) return null;
  // A replicate where both means are 0 has no ratio and is left out; one where only the
  // baseline's is 0 is an unbounded ratio.
  const ratios: number[] = [];
  for (let r = 0; r < modelReps.length; r++) {
    if (baselineReps[r] > 0) ratios.push(modelReps[r] / baselineReps[r]);
    else if (modelReps[r] > 0) ratios.push(Infinity);
  }
  return percentileInterval(model / baseline, Float64Array.from(ratios));
}
