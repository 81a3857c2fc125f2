// BG/NBD ("buy till you die", Fader, Hardie & Lee 2005): will a customer come back?
// While alive a customer transacts as a Poisson process with rate λ ~ Gamma(r, α); after
// each transaction they drop out for good with probability p ~ Beta(a, b). From a
// customer's frequency x (repeat transactions), recency t_x (time of the last one since the
// first) and age T (time from the first to the end of the data) the model gives the
// probability they are still alive and how many transactions they should make in the next
// t days. The four parameters are fitted by maximum likelihood over all customers.
//
// The likelihood and P(alive) are closed form in gamma functions; only the conditional
// expectation needs the Gauss hypergeometric function 2F1, summed as its series here.
import { DistinctValues } from "./distinct-values.js";

export interface BgnbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/**
 * Customers summarized for the fit: one entry per distinct (x, t_x, T), `count` customers
 * each (days are whole on a log, so many customers share a triple and the fit visits each
 * once).
 */
export interface RfmSummary {
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  count: Float64Array;
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7; relative error ~1e-15). */
export function lgamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < 9; i++) sum += LANCZOS[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/**
 * Gauss 2F1(a, b; c; z) for 0 <= z < 1 by its power series. The terms shrink like z^n, so
 * z near 1 takes many terms: callers pass z = t / (α + T + t), well below 1 unless α + T is
 * tiny next to the horizon.
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let n = 0; n < 100_000; n++) {
    term *= (((a + n) * (b + n)) / ((c + n) * (n + 1))) * z;
    sum += term;
    if (Math.abs(term) <= 1e-15 * Math.abs(sum)) break;
  }
  return sum;
}

/** ln of one customer's likelihood L(r, α, a, b | x, t_x, T) (Fader, Hardie & Lee 2005, eq. 6). */
export function logLikelihood(params: BgnbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = params;
  const common =
    lgamma(r + x) - lgamma(r) + r * Math.log(alpha) + lgamma(a + b) - lgamma(a + b + x) - lgamma(b);
  const stays = lgamma(b + x) - (r + x) * Math.log(alpha + T);
  if (x === 0) return common + stays;
  const left = Math.log(a) + lgamma(b + x - 1) - (r + x) * Math.log(alpha + tx);
  return common + logAddExp(stays, left);
}

function logAddExp(u: number, v: number): number {
  // With the larger term finite, exp(larger − larger) is exactly 1: one exp instead of two,
  // the same bits (the fit calls this for every repeat customer's triple at every step).
  if (u >= v && u - u === 0) return u + Math.log(1 + Math.exp(v - u));
  if (v > u && v - v === 0) return v + Math.log(Math.exp(u - v) + 1);
  const m = Math.max(u, v);
  return m + Math.log(Math.exp(u - m) + Math.exp(v - m));
}

/**
 * A summary indexed for repeated likelihoods: the gamma terms depend on x only and the
 * logarithms on T or t_x only, and each takes few distinct values (whole days), so an
 * evaluation computes them per distinct value and then one log-sum-exp per triple.
 */
interface Indexed {
  xs: Float64Array;
  Ts: Float64Array;
  txs: Float64Array;
  xAt: Int32Array;
  TAt: Int32Array;
  txAt: Int32Array;
  count: Float64Array;
}

function indexSummary(s: RfmSummary): Indexed {
  const distinct = (values: Float64Array) => {
    const index = new Map<number, number>();
    const at = new Int32Array(values.length);
    for (let i = 0; i < values.length; i++) {
      let k = index.get(values[i]);
      if (k === undefined) index.set(values[i], (k = index.size));
      at[i] = k;
    }
    return { values: Float64Array.from(index.keys()), at };
  };
  const x = distinct(s.x);
  const T = distinct(s.T);
  const tx = distinct(s.tx);
  return { xs: x.values, Ts: T.values, txs: tx.values, xAt: x.at, TAt: T.at, txAt: tx.at, count: s.count };
}

function indexedLogLikelihood(params: BgnbdParams, s: Indexed): number {
  const { r, alpha, a, b } = params;
  const nx = s.xs.length;
  const common = new Float64Array(nx);
  const stays = new Float64Array(nx);
  const left = new Float64Array(nx);
  const base = lgamma(a + b) - lgamma(b) - lgamma(r) + r * Math.log(alpha);
  for (let k = 0; k < nx; k++) {
    const x = s.xs[k];
    common[k] = base + lgamma(r + x) - lgamma(a + b + x);
    stays[k] = lgamma(b + x);
    left[k] = x > 0 ? Math.log(a) + lgamma(b + x - 1) : 0;
  }
  const logT = Float64Array.from(s.Ts, (T) => Math.log(alpha + T));
  const logTx = Float64Array.from(s.txs, (tx) => Math.log(alpha + tx));
  let total = 0;
  for (let i = 0; i < s.count.length; i++) {
    const k = s.xAt[i];
    const x = s.xs[k];
    const u = stays[k] - (r + x) * logT[s.TAt[i]];
    const ll = x === 0 ? u : logAddExp(u, left[k] - (r + x) * logTx[s.txAt[i]]);
    total += s.count[i] * (common[k] + ll);
  }
  return total;
}

/** Total log-likelihood of a summary (each triple weighted by its count). */
export function totalLogLikelihood(params: BgnbdParams, s: RfmSummary): number {
  return indexedLogLikelihood(params, indexSummary(s));
}

/** P(alive | x, t_x, T): 1 for a customer with no repeat transaction (eq. 11). */
export function pAlive(params: BgnbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 1;
  const { r, alpha, a, b } = params;
  const odds = (a / (b + x - 1)) * Math.exp((r + x) * (Math.log(alpha + T) - Math.log(alpha + tx)));
  return 1 / (1 + odds);
}

/**
 * E[transactions in the next t | x, t_x, T] (eq. 10). Where the closed form does not apply
 * (c = a + b + x − 1 <= 0, or a fit so extreme that it is not finite), the short-horizon
 * value P(alive) · (r + x) / (α + T) · t: the posterior rate of an alive customer.
 */
export function expectedTransactions(
  params: BgnbdParams,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  if (t <= 0) return 0;
  const exact = closedFormExpected(params, t, x, tx, T);
  if (Number.isFinite(exact) && exact >= 0) return exact;
  return (pAlive(params, x, tx, T) * (params.r + x) * t) / (params.alpha + T);
}

function closedFormExpected(params: BgnbdParams, t: number, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = params;
  if (a + b + x - 1 <= 0) return Number.NaN;
  const z = t / (alpha + T + t);
  const head = (a + b + x - 1) / (a - 1);
  const tail =
    Math.exp((r + x) * Math.log((alpha + T) / (alpha + T + t))) * hyp2f1(r + x, b + x, a + b + x - 1, z);
  const denom = x > 0 ? 1 + (a / (b + x - 1)) * Math.exp((r + x) * Math.log((alpha + T) / (alpha + tx))) : 1;
  return (head * (1 - tail)) / denom;
}

/**
 * Nelder–Mead minimization (standard coefficients) of f from x0. Stops when the vertices'
 * values agree within `tolerance`, or when the simplex has shrunk to `xTolerance` in every
 * coordinate: where f is computed with rounding noise (BG/NBD near a = b → ∞, the no-dropout
 * limit) the values of a collapsed simplex never agree, and it used to shrink in place to
 * maxIterations (2 × 2,000 iterations, 3 s on a 20,000-row log whose fit otherwise ends in
 * ~300).
 */
export function nelderMead(
  f: (x: number[]) => number,
  x0: number[],
  { maxIterations = 2000, tolerance = 1e-10, xTolerance = 1e-9, step = 0.5 } = {},
): { x: number[]; value: number; iterations: number } {
  const n = x0.length;
  const simplex: { x: number[]; v: number }[] = [{ x: [...x0], v: f(x0) }];
  for (let i = 0; i < n; i++) {
    const x = [...x0];
    x[i] += step;
    simplex.push({ x, v: f(x) });
  }
  let iterations = 0;
  const at = (from: number[], to: number[], k: number) => from.map((c, i) => c + k * (to[i] - c));
  for (; iterations < maxIterations; iterations++) {
    simplex.sort((p, q) => p.v - q.v);
    const best = simplex[0];
    const worst = simplex[n];
    if (Math.abs(worst.v - best.v) <= tolerance * (Math.abs(best.v) + tolerance)) break;
    let spread = 0;
    for (let i = 1; i <= n; i++)
      for (let j = 0; j < n; j++) spread = Math.max(spread, Math.abs(simplex[i].x[j] - best.x[j]));
    if (spread <= xTolerance) break;
    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) centroid[j] += simplex[i].x[j] / n;
    const reflected = at(centroid, worst.x, -1);
    const vr = f(reflected);
    if (vr < best.v) {
      const expanded = at(centroid, worst.x, -2);
      const ve = f(expanded);
      simplex[n] = ve < vr ? { x: expanded, v: ve } : { x: reflected, v: vr };
    } else if (vr < simplex[n - 1].v) {
      simplex[n] = { x: reflected, v: vr };
    } else {
      const outside = vr < worst.v;
      const contracted = at(centroid, outside ? reflected : worst.x, 0.5);
      const vc = f(contracted);
      if (vc < (outside ? vr : worst.v)) simplex[n] = { x: contracted, v: vc };
      else
        for (let i = 1; i <= n; i++) {
          const x = at(best.x, simplex[i].x, 0.5);
          simplex[i] = { x, v: f(x) };
        }
    }
  }
  simplex.sort((p, q) => p.v - q.v);
  return { x: simplex[0].x, value: simplex[0].v, iterations };
}

/**
 * Maximum-likelihood (r, α, a, b) for a summary: Nelder–Mead on the parameters' logs (so
 * they stay positive), restarted once from its own optimum, as a simplex can stall on a
 * ridge before the minimum.
 */
export function fitBgnbd(s: RfmSummary): BgnbdParams {
  let customers = 0;
  let repeats = 0;
  let age = 0;
  for (let i = 0; i < s.x.length; i++) {
    customers += s.count[i];
    repeats += s.count[i] * s.x[i];
    age += s.count[i] * s.T[i];
  }
  // Start with r = 1 and α matching the observed repeat rate, a = b = 1.
  const rate = repeats > 0 && age > 0 ? repeats / age : 1;
  const toParams = (v: number[]): BgnbdParams => ({
    r: Math.exp(v[0]),
    alpha: Math.exp(v[1]),
    a: Math.exp(v[2]),
    b: Math.exp(v[3]),
  });
  const indexed = indexSummary(s);
  const objective = (v: number[]) => {
    if (v.some((c) => Math.abs(c) > 30)) return Number.POSITIVE_INFINITY;
    const ll = indexedLogLikelihood(toParams(v), indexed);
    return Number.isFinite(ll) ? -ll / Math.max(1, customers) : Number.POSITIVE_INFINITY;
  };
  let start = [0, Math.log(1 / rate), 0, 0];
  for (let round = 0; round < 2; round++) start = nelderMead(objective, start).x;
  return toParams(start);
}

/** Per customer: repeat days, recency and age in whole days, as BG/NBD reads them. */
export interface CustomerDays {
  /** Distinct active UTC days minus one (repeat interaction days). */
  x: Float64Array;
  /** Days from the first active day to the last. */
  tx: Float64Array;
  /** Days from the first active day to the end of the data (its last day included). */
  T: Float64Array;
}

/**
 * One entry per distinct (x, t_x, T) with its count, and each customer's entry: the fit and
 * the predictions then cost per distinct triple, not per customer.
 */
export function summarizeDays(days: CustomerDays): { summary: RfmSummary; entryOf: Int32Array } {
  const n = days.x.length;
  const entryOf = new Int32Array(n);
  // Whole days make (x, t_x, T) one exact number; other values fall back to a string key.
  let whole = true;
  let most = 0;
  for (let c = 0; c < n && whole; c++) {
    const low = Math.min(days.x[c], days.tx[c], days.T[c]);
    whole =
      Number.isInteger(days.x[c]) && Number.isInteger(days.tx[c]) && Number.isInteger(days.T[c]) && low >= 0;
    most = Math.max(most, days.x[c], days.tx[c], days.T[c]);
  }
  const radix = most + 1;
  whole &&= radix ** 3 < Number.MAX_SAFE_INTEGER;
  // Whole-day keys are numbered in a typed table: a Map would box every key past the small
  // integers (long logs make them that large), 17M of them at 20M rows.
  const numbers = new DistinctValues();
  const index = new Map<string, number>();
  const x: number[] = [];
  const tx: number[] = [];
  const T: number[] = [];
  const count: number[] = [];
  for (let c = 0; c < n; c++) {
    let e: number;
    if (whole) e = numbers.add((days.x[c] * radix + days.tx[c]) * radix + days.T[c]);
    else {
      const key = `${days.x[c]},${days.tx[c]},${days.T[c]}`;
      e = index.get(key) ?? index.size;
      if (e === index.size) index.set(key, e);
    }
    if (e === x.length) {
      x.push(days.x[c]);
      tx.push(days.tx[c]);
      T.push(days.T[c]);
      count.push(0);
    }
    count[e]++;
    entryOf[c] = e;
  }
  return {
    summary: {
      x: Float64Array.from(x),
      tx: Float64Array.from(tx),
      T: Float64Array.from(T),
      count: Float64Array.from(count),
    },
    entryOf,
  };
}

/** Fits BG/NBD to the customers and returns each one's expected transactions in the next `horizonDays`. */
export function expectedByCustomer(
  days: CustomerDays,
  horizonDays: number,
): { params: BgnbdParams; expected: Float64Array } {
  const { summary, entryOf } = summarizeDays(days);
  const params = fitBgnbd(summary);
  const perEntry = new Float64Array(summary.x.length);
  for (let e = 0; e < perEntry.length; e++)
    perEntry[e] = expectedTransactions(params, horizonDays, summary.x[e], summary.tx[e], summary.T[e]);
  const expected = new Float64Array(entryOf.length);
  for (let c = 0; c < expected.length; c++) expected[c] = perEntry[entryOf[c]];
  return { params, expected };
}
