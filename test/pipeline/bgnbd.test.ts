import { describe, expect, it } from "vitest";
import { seededRandom } from "../../pipeline/generate/random.js";
import {
  type BgnbdParams,
  expectedTransactions,
  fitBgnbd,
  hyp2f1,
  lgamma,
  logLikelihood,
  nelderMead,
  pAlive,
  summarizeDays,
  totalLogLikelihood,
} from "../../pipeline/model/bgnbd.js";

/** Gamma(shape, 1) by Marsaglia–Tsang (shape < 1 boosted by U^(1/shape)). */
function gamma(shape: number, rng: () => number): number {
  if (shape < 1) return gamma(shape + 1, rng) * rng() ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let z: number;
    let v: number;
    do {
      // Box–Muller normal.
      z = Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
      v = 1 + c * z;
    } while (v <= 0);
    v = v * v * v;
    const u = rng();
    if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** Customers drawn from the BG/NBD story itself: Poisson purchases until a coin says "gone". */
function simulate(params: BgnbdParams, customers: number, seed: string) {
  const rng = seededRandom(seed);
  const x = new Float64Array(customers);
  const tx = new Float64Array(customers);
  const T = new Float64Array(customers);
  for (let c = 0; c < customers; c++) {
    const lambda = gamma(params.r, rng) / params.alpha;
    const ga = gamma(params.a, rng);
    const p = ga / (ga + gamma(params.b, rng));
    T[c] = 20 + rng() * 30;
    let t = 0;
    for (;;) {
      t += -Math.log(1 - rng()) / lambda;
      if (t > T[c]) break;
      x[c]++;
      tx[c] = t;
      if (rng() < p) break;
    }
  }
  return { x, tx, T, count: new Float64Array(customers).fill(1) };
}

describe("BG/NBD", () => {
  it("lgamma matches known values", () => {
    expect(lgamma(1)).toBeCloseTo(0, 13);
    expect(lgamma(2)).toBeCloseTo(0, 13);
    expect(lgamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 13);
    expect(lgamma(10)).toBeCloseTo(Math.log(362880), 11);
    expect(lgamma(0.1)).toBeCloseTo(2.252712651734206, 12);
    let logFactorial = 0;
    for (let k = 2; k <= 150; k++) logFactorial += Math.log(k);
    expect(lgamma(151) / logFactorial).toBeCloseTo(1, 13);
  });

  it("2F1 matches its closed forms", () => {
    for (const z of [0.01, 0.3, 0.7, 0.95]) {
      expect(hyp2f1(1, 1, 2, z)).toBeCloseTo(-Math.log(1 - z) / z, 10);
      expect(hyp2f1(2.5, 0.7, 0.7, z)).toBeCloseTo((1 - z) ** -2.5, 8);
      // 2F1(1/2, 1/2; 3/2; z²) = arcsin(z) / z.
      expect(hyp2f1(0.5, 0.5, 1.5, z * z)).toBeCloseTo(Math.asin(z) / z, 10);
    }
  });

  it("a customer without repeats is alive, and their likelihood is (α / (α + T))^r", () => {
    const params = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
    expect(pAlive(params, 0, 0, 38.86)).toBe(1);
    expect(Math.exp(logLikelihood(params, 0, 0, 38.86))).toBeCloseTo((4.414 / (4.414 + 38.86)) ** 0.243, 12);
  });

  it("P(alive) falls with time since the last transaction and is the closed form", () => {
    const params = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
    const recent = pAlive(params, 2, 30, 32);
    const stale = pAlive(params, 2, 5, 32);
    expect(recent).toBeGreaterThan(stale);
    // 1 / (1 + a / (b + x − 1) · ((α + T) / (α + t_x))^(r + x)), by hand for x = 2, t_x = 5, T = 32.
    expect(stale).toBeCloseTo(1 / (1 + (0.793 / 3.426) * (36.414 / 9.414) ** 2.243), 12);
  });

  it("one customer's likelihood is the paper's two terms, and the total sums them with counts", () => {
    const params = { r: 0.5, alpha: 3, a: 1.2, b: 2 };
    const [x, tx, T] = [3, 10, 20];
    const beta = (p: number, q: number) => Math.exp(lgamma(p) + lgamma(q) - lgamma(p + q));
    const head = Math.exp(lgamma(params.r + x) - lgamma(params.r)) * params.alpha ** params.r;
    const byHand =
      (beta(params.a, params.b + x) / beta(params.a, params.b)) *
        head *
        (params.alpha + T) ** -(params.r + x) +
      (beta(params.a + 1, params.b + x - 1) / beta(params.a, params.b)) *
        head *
        (params.alpha + tx) ** -(params.r + x);
    expect(Math.exp(logLikelihood(params, x, tx, T))).toBeCloseTo(byHand, 14);
    const summary = {
      x: Float64Array.of(3, 0),
      tx: Float64Array.of(10, 0),
      T: Float64Array.of(20, 7),
      count: Float64Array.of(2, 5),
    };
    expect(totalLogLikelihood(params, summary)).toBeCloseTo(
      2 * logLikelihood(params, 3, 10, 20) + 5 * logLikelihood(params, 0, 0, 7),
      10,
    );
  });

  it("expected transactions: over a short horizon, P(alive) × the posterior rate × t", () => {
    const params = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
    for (const [x, tx, T] of [
      [0, 0, 38.86],
      [2, 30.43, 38.86],
      [7, 10, 38.86],
    ]) {
      const t = 1e-4;
      const rate = (params.r + x) / (params.alpha + T);
      expect(expectedTransactions(params, t, x, tx, T) / t).toBeCloseTo(pAlive(params, x, tx, T) * rate, 5);
      // And it grows with the horizon.
      expect(expectedTransactions(params, 39, x, tx, T)).toBeGreaterThan(
        expectedTransactions(params, 10, x, tx, T),
      );
    }
  });

  it("expected transactions match a simulation of the same customers' future", () => {
    const params = { r: 0.8, alpha: 6, a: 1.5, b: 4 };
    const rng = seededRandom("bgnbd-future");
    // Customers with x = 2, t_x = 15, T = 30: draw (λ, p) from the prior, keep those whose
    // past matches (by the likelihood as a weight), and count their purchases in (T, T + 20].
    const [x, tx, T, t] = [2, 15, 30, 20];
    let weightSum = 0;
    let futureSum = 0;
    for (let i = 0; i < 200_000; i++) {
      const lambda = gamma(params.r, rng) / params.alpha;
      const ga = gamma(params.a, rng);
      const p = ga / (ga + gamma(params.b, rng));
      // Likelihood of the past given (λ, p): λ^x e^{-λT}(1−p)^x + δ λ^x e^{-λ t_x} p (1−p)^{x−1}.
      const aliveW = lambda ** x * Math.exp(-lambda * T) * (1 - p) ** x;
      const deadW = lambda ** x * Math.exp(-lambda * tx) * p * (1 - p) ** (x - 1);
      weightSum += aliveW + deadW;
      // Given alive at T: purchases in the next t until the first drop-out.
      let n = 0;
      let s = 0;
      for (;;) {
        s += -Math.log(1 - rng()) / lambda;
        if (s > t) break;
        n++;
        if (rng() < p) break;
      }
      futureSum += aliveW * n;
    }
    expect(expectedTransactions(params, t, x, tx, T)).toBeCloseTo(futureSum / weightSum, 1);
  });

  it("expected transactions fall back to P(alive) × the posterior rate × t where the closed form does not apply", () => {
    // a + b + x − 1 <= 0: the series' c parameter is not positive.
    const params = { r: 0.5, alpha: 2, a: 0.3, b: 0.4 };
    const value = expectedTransactions(params, 30, 0, 0, 10);
    expect(value).toBeCloseTo((1 * 0.5 * 30) / 12, 12);
  });

  it("Nelder–Mead finds the minimum of a shifted quadratic", () => {
    const { x } = nelderMead((v) => (v[0] - 1) ** 2 + 3 * (v[1] + 2) ** 2 + (v[0] - v[1] - 3) ** 2, [0, 0]);
    expect(x[0]).toBeCloseTo(1, 3);
    expect(x[1]).toBeCloseTo(-2, 3);
  });

  it("Nelder–Mead stops once the simplex has collapsed, even where rounding noise keeps the values apart", () => {
    // A quadratic plus noise of 1e-6 that changes with every last bit of x: the vertices'
    // values never agree within the tolerance, as BG/NBD's do near the no-dropout limit.
    const noise = (v: number[]) => 1e-6 * (Math.sin(1e12 * v[0]) + Math.sin(1e12 * v[1]) + 2);
    const { x, iterations } = nelderMead((v) => (v[0] - 1) ** 2 + (v[1] + 2) ** 2 + noise(v), [0, 0]);
    expect(x[0]).toBeCloseTo(1, 2);
    expect(x[1]).toBeCloseTo(-2, 2);
    expect(iterations).toBeLessThan(500);
  });

  it("recovers known parameters from customers simulated with them", () => {
    const truth = { r: 0.6, alpha: 5, a: 0.9, b: 3 };
    const data = simulate(truth, 20_000, "bgnbd-recovery");
    const fit = fitBgnbd(data);
    expect(fit.r).toBeGreaterThan(truth.r * 0.85);
    expect(fit.r).toBeLessThan(truth.r * 1.15);
    expect(fit.alpha).toBeGreaterThan(truth.alpha * 0.8);
    expect(fit.alpha).toBeLessThan(truth.alpha * 1.2);
    // The drop-out Beta is the harder pair to pin down: its mean a / (a + b) much less so.
    expect(fit.a / (fit.a + fit.b)).toBeGreaterThan(0.8 * (truth.a / (truth.a + truth.b)));
    expect(fit.a / (fit.a + fit.b)).toBeLessThan(1.2 * (truth.a / (truth.a + truth.b)));
    // The fit's likelihood is at least the truth's (it is the maximum).
    expect(totalLogLikelihood(fit, data)).toBeGreaterThanOrEqual(totalLogLikelihood(truth, data));
  });

  it("groups customers by their (x, t_x, T) triple", () => {
    const { summary, entryOf } = summarizeDays({
      x: Float64Array.of(0, 1, 0, 1),
      tx: Float64Array.of(0, 4, 0, 4),
      T: Float64Array.of(9, 9, 9, 10),
    });
    expect(Array.from(entryOf)).toEqual([0, 1, 0, 2]);
    expect(Array.from(summary.count)).toEqual([2, 1, 1]);
    expect(Array.from(summary.T)).toEqual([9, 9, 10]);
  });
});
