// `audience evaluate`: temporal hold-out evaluation (docs/model.md). Train on the rows
// before the 0.8 quantile of event time (split.ts); for each test-period product also seen
// in training, the truth is the customers who interacted with it in the test period and
// never before. Every model ranks from the training part only, on the same split.
import type { Config } from "../config.js";
import type { Interactions } from "../ingest/ingest.js";
import { activityOrder, fromGlobalOrder, randomAudience, seededRandom } from "./baselines.js";
import { groupRows, newestFirst } from "./groups.js";
import {
  type Diversity,
  diversity,
  hitRateAt,
  type Judged,
  ndcgAt,
  precisionAt,
  recallAt,
} from "./metrics.js";
import { EXPOSURE_LEVEL, rank } from "./rank.js";
import { splitByTime } from "./split.js";

export const DEFAULT_KS = [5, 10, 20, 100];
export const RANDOM_SEEDS = 5;
export const MODELS = ["random", "activity", "engagement", "full"] as const;
export type ModelName = (typeof MODELS)[number];

export interface ModelScores {
  precision: Record<string, number>;
  recall: Record<string, number>;
  hit_rate: Record<string, number>;
  ndcg: Record<string, number>;
  /** Over the top-10 audiences of the evaluated products. */
  diversity: Diversity;
}

export interface Evaluation {
  split: { train_share: number; cutoff: string; train_rows: number; test_rows: number };
  products: {
    /** Test-period products with at least one customer new to them. */
    test_products: number;
    /** Of those, the ones training saw: these are evaluated. */
    evaluated: number;
    /** evaluated ÷ test_products: the share of test products the model can rank at all. */
    coverage: number;
  };
  truth_pairs: number;
  /** Share of truth pairs whose customer was seen in training: the best any model could recall. */
  ceiling: number;
  k: number[];
  random_seeds: number;
  models: Record<ModelName, ModelScores>;
  /** precision@10 of the full model ÷ that of random (null when random scores 0). */
  lift_over_random_at_10: number | null;
}

export interface EvaluateOptions {
  ks?: number[];
  trainShare?: number;
  seeds?: number;
}

export function evaluate(data: Interactions, config: Config, options: EvaluateOptions = {}): Evaluation {
  const ks = [...(options.ks ?? DEFAULT_KS)].sort((a, b) => a - b);
  const maxK = Math.max(...ks, EXPOSURE_LEVEL);
  const trainShare = options.trainShare ?? 0.8;
  const seeds = options.seeds ?? RANDOM_SEEDS;
  const { cutoff, train, testRows } = splitByTime(data, trainShare);

  const trainProduct = new Map(train.products.map((id, p) => [id, p]));
  const trainCustomer = new Map(train.customers.map((id, c) => [id, c]));
  const trainByProduct = groupRows(train.product, newestFirst(train), train.products.length);
  // Truth per test product: customers new to it in the test period (ids, seen or not).
  const truthIds = new Map<string, Set<string>>();
  for (const r of testRows) {
    const productId = data.products[data.product[r]];
    const customerId = data.customers[data.customer[r]];
    let set = truthIds.get(productId);
    if (!set) truthIds.set(productId, (set = new Set()));
    set.add(customerId);
  }
  const evaluated: number[] = [];
  const truths = new Map<number, { truth: Set<number>; truthSize: number }>();
  let testProducts = 0;
  let truthPairs = 0;
  let seenPairs = 0;
  for (const [productId, customers] of truthIds) {
    const p = trainProduct.get(productId);
    const before = new Set<number>();
    if (p !== undefined)
      for (let i = trainByProduct.start[p]; i < trainByProduct.start[p + 1]; i++)
        before.add(train.customer[trainByProduct.rows[i]]);
    const truth = new Set<number>();
    let size = 0;
    for (const id of customers) {
      const c = trainCustomer.get(id);
      if (c !== undefined && before.has(c)) continue;
      size++;
      if (c !== undefined) truth.add(c);
    }
    if (size === 0) continue;
    testProducts++;
    if (p === undefined) continue;
    evaluated.push(p);
    truths.set(p, { truth, truthSize: size });
    truthPairs += size;
    seenPairs += truth.size;
  }
  evaluated.sort((a, b) => a - b);
  const products = Int32Array.from(evaluated);

  const score = (audienceOf: (p: number) => ArrayLike<number>): ModelScores => {
    const sums = {
      precision: {} as Record<string, number>,
      recall: {} as Record<string, number>,
      hit_rate: {} as Record<string, number>,
      ndcg: {} as Record<string, number>,
    };
    for (const k of ks) sums.precision[k] = sums.recall[k] = sums.hit_rate[k] = sums.ndcg[k] = 0;
    const tops: ArrayLike<number>[] = [];
    for (const p of products) {
      const ranked = audienceOf(p);
      tops.push(Array.prototype.slice.call(ranked, 0, EXPOSURE_LEVEL) as number[]);
      const j: Judged = { ranked, ...truths.get(p)! };
      for (const k of ks) {
        sums.precision[k] += precisionAt(j, k);
        sums.recall[k] += recallAt(j, k);
        sums.hit_rate[k] += hitRateAt(j, k);
        sums.ndcg[k] += ndcgAt(j, k);
      }
    }
    const n = Math.max(1, products.length);
    const mean = (o: Record<string, number>) =>
      Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v / n]));
    return {
      precision: mean(sums.precision),
      recall: mean(sums.recall),
      hit_rate: mean(sums.hit_rate),
      ndcg: mean(sums.ndcg),
      diversity: diversity(tops, EXPOSURE_LEVEL),
    };
  };
  const ranked = (blend?: number) => {
    const map = new Map<number, Int32Array>();
    if (products.length === 0) return map;
    const ranking = rank(train, config, { maxN: maxK, blend, products });
    for (const [p, a] of ranking.audiences())
      map.set(
        p,
        a.customers.map((c) => ranking.customerOf[c]),
      );
    return map;
  };

  const randomRuns = Array.from({ length: seeds }, (_, s) => {
    const rng = seededRandom(`evaluate-random-${s + 1}`);
    return score((p) => randomAudience(train.customers.length, trainByProduct, train.customer, p, maxK, rng));
  });
  const activity = activityOrder(train);
  const engagement = ranked(0);
  const full = ranked(undefined);
  const models: Record<ModelName, ModelScores> = {
    random: meanScores(randomRuns),
    activity: score((p) => fromGlobalOrder(activity, trainByProduct, train.customer, p, maxK)),
    engagement: score((p) => engagement.get(p)!),
    full: score((p) => full.get(p)!),
  };
  const r10 = models.random.precision["10"];
  const f10 = models.full.precision["10"];
  return {
    split: {
      train_share: trainShare,
      cutoff: new Date(cutoff).toISOString(),
      train_rows: train.count,
      test_rows: testRows.length,
    },
    products: {
      test_products: testProducts,
      evaluated: products.length,
      coverage: testProducts > 0 ? products.length / testProducts : 0,
    },
    truth_pairs: truthPairs,
    ceiling: truthPairs > 0 ? seenPairs / truthPairs : 0,
    k: ks,
    random_seeds: seeds,
    models,
    lift_over_random_at_10: r10 !== undefined && f10 !== undefined && r10 > 0 ? f10 / r10 : null,
  };
}

function meanScores(runs: ModelScores[]): ModelScores {
  const n = runs.length;
  const avg = (pick: (m: ModelScores) => Record<string, number>) => {
    const out: Record<string, number> = {};
    for (const key of Object.keys(pick(runs[0]))) out[key] = runs.reduce((s, m) => s + pick(m)[key], 0) / n;
    return out;
  };
  return {
    precision: avg((m) => m.precision),
    recall: avg((m) => m.recall),
    hit_rate: avg((m) => m.hit_rate),
    ndcg: avg((m) => m.ndcg),
    diversity: {
      distinct_share: runs.reduce((s, m) => s + m.diversity.distinct_share, 0) / n,
      max_share: runs.reduce((s, m) => s + m.diversity.max_share, 0) / n,
    },
  };
}

/** The printed table: one row per model and metric, one column per k, then diversity. */
export function formatEvaluation(e: Evaluation): string {
  const f = (x: number) => x.toFixed(4);
  const head = ["model", "metric", ...e.k.map((k) => `@${k}`)];
  const rows: string[][] = [];
  for (const name of MODELS) {
    const m = e.models[name];
    for (const metric of ["precision", "recall", "hit_rate", "ndcg"] as const) {
      rows.push([name, metric, ...e.k.map((k) => f(m[metric][k]))]);
    }
    rows.push([
      name,
      "diversity",
      `distinct ${f(m.diversity.distinct_share)}`,
      `max share ${f(m.diversity.max_share)}`,
    ]);
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  return [
    `split at ${e.split.cutoff}: ${e.split.train_rows} train rows, ${e.split.test_rows} test rows`,
    `products: ${e.products.evaluated} evaluated of ${e.products.test_products} with new customers in test (coverage ${f(e.products.coverage)})`,
    `truth pairs: ${e.truth_pairs}, ceiling (customer seen in train): ${f(e.ceiling)}; random = mean of ${e.random_seeds} seeds`,
    line(head),
    ...rows.map(line),
    ...(e.k.includes(10)
      ? [
          `lift of full over random at precision@10: ${e.lift_over_random_at_10 === null ? "n/a (random scored 0)" : `${e.lift_over_random_at_10.toFixed(1)}x`}`,
        ]
      : []),
  ].join("\n");
}
