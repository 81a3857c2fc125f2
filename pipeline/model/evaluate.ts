// `audience evaluate`: temporal hold-out evaluation (docs/model.md). Train on the rows
// before the 0.8 quantile of event time (split.ts); for each test-period product also seen
// in training, the truth is the customers who interacted with it in the test period and
// never before. Every model ranks from the training part only, on the same split.
import type { Config } from "../config.js";
import type { Interactions } from "../ingest/ingest.js";
import { activityOrder, fromGlobalOrder, randomAudience, seededRandom } from "./baselines.js";
import {
  BOOTSTRAP_REPLICATES,
  CONFIDENCE,
  type Interval,
  meanOf,
  percentileInterval,
  ratioInterval,
  replicateMeans,
  type Series,
  sparse,
} from "./bootstrap.js";
import { type BuyRate, evaluateRetarget, type RetargetEvaluation } from "./evaluate-retarget.js";
import { type Groups, groupRows, newestFirst } from "./groups.js";
import {
  type Diversity,
  diversity,
  exposureHistogram,
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
  /** Customers by how many top-10 audiences they sit in (random: its first seed). */
  exposure: { label: string; customers: number }[];
  /** Products with at least one truth customer in the first k (hit_rate × evaluated). */
  hits: Record<string, number>;
  /** 95% bootstrap interval of each mean above, over products. */
  intervals: Record<"precision" | "recall" | "hit_rate" | "ndcg", Record<string, Interval>>;
}

/** Full model ÷ baseline per metric and k, with a paired bootstrap interval; null over a 0. */
export type Lift = Record<
  "random" | "activity" | "engagement",
  Record<"precision" | "recall" | "hit_rate" | "ndcg", Record<string, Interval | null>>
>;

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
  /** How the intervals were made: resamples of the evaluated products. */
  bootstrap: { replicates: number; confidence: number; over: "products" };
  models: Record<ModelName, ModelScores>;
  lift: Lift;
  /** How often retarget audiences and prospects buy the product in the test period. */
  retarget: RetargetEvaluation;
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
  const { cutoff, train, testRows, trainByProduct, products, truths, testProducts, truthPairs, seenPairs } =
    holdOut(data, trainShare);

  const n = products.length;
  /** Every metric per product (in `products` order), and the top-10 audiences. */
  const judge = (audienceOf: (p: number) => ArrayLike<number>): Judgement => {
    const values = emptyValues(ks, n);
    const tops: ArrayLike<number>[] = [];
    products.forEach((p, i) => {
      const ranked = audienceOf(p);
      tops.push(Array.prototype.slice.call(ranked, 0, EXPOSURE_LEVEL) as number[]);
      const j: Judged = { ranked, ...truths.get(p)! };
      for (const k of ks) {
        values.precision[k][i] = precisionAt(j, k);
        values.recall[k][i] = recallAt(j, k);
        values.hit_rate[k][i] = hitRateAt(j, k);
        values.ndcg[k][i] = ndcgAt(j, k);
      }
    });
    return {
      values,
      diversity: diversity(tops, EXPOSURE_LEVEL),
      exposure: exposureHistogram(tops, EXPOSURE_LEVEL),
    };
  };
  // The engagement baseline is one global order minus exclusions, as served without any
  // cap (like activity); the full model is ranked as the config builds it.
  const ranked = (blend?: number) => {
    const map = new Map<number, Int32Array>();
    if (products.length === 0) return map;
    const settings = blend === 0 ? { ...config, exposureCap: 0 } : config;
    const ranking = rank(train, settings, { maxN: maxK, blend, products });
    for (const [p, a] of ranking.audiences())
      map.set(
        p,
        a.customers.map((c) => ranking.customerOf[c]),
      );
    return map;
  };

  const randomRuns = Array.from({ length: seeds }, (_, s) => {
    const rng = seededRandom(`evaluate-random-${s + 1}`);
    return judge((p) => randomAudience(train.customers.length, trainByProduct, train.customer, p, maxK, rng));
  });
  const activity = activityOrder(train);
  const engagement = ranked(0);
  const full = ranked(undefined);
  const judged: Record<ModelName, Judgement> = {
    random: meanJudgement(randomRuns),
    activity: judge((p) => fromGlobalOrder(activity, trainByProduct, train.customer, p, maxK)),
    engagement: judge((p) => engagement.get(p)!),
    full: judge((p) => full.get(p)!),
  };
  const { models, lift } = summarize(judged, ks, n);
  const retarget = evaluateRetarget(
    data,
    testRows,
    train,
    config.recencyDecayDays,
    [...products].map((p) => ({ product: p, customers: full.get(p) ?? new Int32Array(0) })),
    ks,
  );
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
    bootstrap: { replicates: BOOTSTRAP_REPLICATES, confidence: CONFIDENCE, over: "products" },
    models,
    lift,
    retarget,
    lift_over_random_at_10: r10 !== undefined && f10 !== undefined && r10 > 0 ? f10 / r10 : null,
  };
}

/** The temporal hold-out every model is judged on: training part, evaluated products, truths. */
export interface HoldOut {
  cutoff: number;
  train: Interactions;
  testRows: Int32Array;
  trainByProduct: Groups;
  /** Evaluated products (training indices), ascending. */
  products: Int32Array;
  truths: Map<number, { truth: Set<number>; truthSize: number }>;
  /** Test products training never saw (cold start: they get the fallback), with their truths. */
  unseen: { truth: Set<number>; truthSize: number }[];
  testProducts: number;
  truthPairs: number;
  seenPairs: number;
}

/**
 * Splits at the `trainShare` row quantile of time; the truth of a test product is the
 * customers new to it in the test period. Products training never saw are counted, not
 * evaluated.
 */
export function holdOut(data: Interactions, trainShare: number): HoldOut {
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
  const unseen: HoldOut["unseen"] = [];
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
    if (p === undefined) {
      unseen.push({ truth, truthSize: size });
      continue;
    }
    evaluated.push(p);
    truths.set(p, { truth, truthSize: size });
    truthPairs += size;
    seenPairs += truth.size;
  }
  evaluated.sort((a, b) => a - b);
  const products = Int32Array.from(evaluated);

  return {
    cutoff,
    train,
    testRows,
    trainByProduct,
    products,
    truths,
    unseen,
    testProducts,
    truthPairs,
    seenPairs,
  };
}

const METRICS = ["precision", "recall", "hit_rate", "ndcg"] as const;
type Metric = (typeof METRICS)[number];
export const BASELINES = ["random", "activity", "engagement"] as const;
export type BaselineName = (typeof BASELINES)[number];

/** Per metric and k, one value per evaluated product. */
type Values = Record<Metric, Record<string, Float64Array>>;
interface Judgement {
  values: Values;
  diversity: Diversity;
  exposure: ModelScores["exposure"];
}

function emptyValues(ks: number[], n: number): Values {
  const per = () => Object.fromEntries(ks.map((k) => [String(k), new Float64Array(n)]));
  return { precision: per(), recall: per(), hit_rate: per(), ndcg: per() };
}

/** The random baseline: each product's values averaged over the seeds. */
function meanJudgement(runs: Judgement[]): Judgement {
  const first = runs[0].values;
  const values = {} as Values;
  for (const metric of METRICS) {
    values[metric] = {};
    for (const k of Object.keys(first[metric])) {
      const out = new Float64Array(first[metric][k].length);
      for (const run of runs) {
        const v = run.values[metric][k];
        for (let i = 0; i < out.length; i++) out[i] += v[i];
      }
      for (let i = 0; i < out.length; i++) out[i] /= runs.length;
      values[metric][k] = out;
    }
  }
  const avg = (pick: (d: Diversity) => number) =>
    runs.reduce((s, r) => s + pick(r.diversity), 0) / runs.length;
  return {
    values,
    diversity: { distinct_share: avg((d) => d.distinct_share), max_share: avg((d) => d.max_share) },
    // One seed's histogram: an average of counts over seeds would not be counts.
    exposure: runs[0].exposure,
  };
}

/**
 * Means, their bootstrap intervals, hit counts, and the lift of the full model over each
 * baseline; every interval comes from the same product resamples (paired).
 */
function summarize(
  judged: Record<ModelName, Judgement>,
  ks: number[],
  n: number,
): { models: Record<ModelName, ModelScores>; lift: Lift } {
  const series: Series[] = [];
  const slot = new Map<string, number>();
  for (const model of MODELS)
    for (const metric of METRICS)
      for (const k of ks) {
        slot.set(`${model}/${metric}/${k}`, series.length);
        series.push(sparse(judged[model].values[metric][String(k)]));
      }
  const reps = replicateMeans(series, n);
  const at = (model: ModelName, metric: Metric, k: number) => slot.get(`${model}/${metric}/${k}`)!;
  const models = {} as Record<ModelName, ModelScores>;
  for (const model of MODELS) {
    const scores: ModelScores = {
      precision: {},
      recall: {},
      hit_rate: {},
      ndcg: {},
      diversity: judged[model].diversity,
      exposure: judged[model].exposure,
      hits: {},
      intervals: { precision: {}, recall: {}, hit_rate: {}, ndcg: {} },
    };
    for (const metric of METRICS)
      for (const k of ks) {
        const s = at(model, metric, k);
        const value = meanOf(series[s], n);
        scores[metric][k] = value;
        scores.intervals[metric][k] = percentileInterval(value, reps[s]);
      }
    for (const k of ks) scores.hits[k] = Math.round(scores.hit_rate[k] * n * 1e6) / 1e6;
    models[model] = scores;
  }
  const lift = {} as Lift;
  for (const base of BASELINES) {
    lift[base] = { precision: {}, recall: {}, hit_rate: {}, ndcg: {} };
    for (const metric of METRICS)
      for (const k of ks) {
        const f = at("full", metric, k);
        const b = at(base, metric, k);
        lift[base][metric][k] = ratioInterval(
          models.full[metric][k],
          models[base][metric][k],
          reps[f],
          reps[b],
        );
      }
  }
  return { models, lift };
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
    `95% intervals (bootstrap over products, ${e.bootstrap.replicates} resamples):`,
    ...intervalLines(e),
    ...retargetLines(e),
    ...(e.k.includes(10)
      ? [
          `lift of full over random at precision@10: ${e.lift_over_random_at_10 === null ? "n/a (random scored 0)" : `${e.lift_over_random_at_10.toFixed(1)}x`}`,
        ]
      : []),
  ].join("\n");
}

/** An interval as `0.0066 [0.0059, 0.0073]` (digits after the point). */
export function formatInterval(i: Interval | null, digits = 4, unit = ""): string {
  if (i === null) return "n/a";
  const f = (x: number | null) => (x === null ? "inf" : `${x.toFixed(digits)}${unit}`);
  return `${f(i.value)} [${f(i.low)}, ${f(i.high)}]`;
}

/** Recall and hit rate with intervals per model, then the lift over each baseline. */
function intervalLines(e: Evaluation): string[] {
  const rows: string[][] = [["model", "metric", ...e.k.map((k) => `@${k}`)]];
  for (const name of MODELS)
    for (const metric of ["recall", "hit_rate"] as const)
      rows.push([name, metric, ...e.k.map((k) => formatInterval(e.models[name].intervals[metric][k]))]);
  for (const base of BASELINES)
    for (const metric of ["recall", "hit_rate"] as const)
      rows.push([
        `full/${base}`,
        `${metric} lift`,
        ...e.k.map((k) => formatInterval(e.lift[base][metric][k], 2, "x")),
      ]);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join("  ")
      .trimEnd(),
  );
}

/** Test-period purchases per audience slot: retarget audiences beside prospects. */
function retargetLines(e: Evaluation): string[] {
  const line = (name: string, b: BuyRate) =>
    `${name}: ${b.products} products, ${b.pairs} slots, ${b.buyers} bought in test, rate ${formatInterval(b.rate)}, products with a buyer ${(100 * b.products_with_buyer).toFixed(2)}%`;
  return [
    "test-period purchases per audience slot (95% interval over products):",
    line("retarget (cart/wishlist, never bought)", e.retarget.retarget),
    ...Object.entries(e.retarget.prospects).map(([k, b]) =>
      line(`prospects top-${k} (evaluated products)`, b),
    ),
  ];
}

/** Markdown of the same table, for docs. */
export function evaluationMarkdown(e: Evaluation): string {
  const f = (x: number) => x.toFixed(4);
  const lines = [
    `| model | ${e.k.map((k) => `P@${k}`).join(" | ")} | ${e.k.map((k) => `R@${k}`).join(" | ")} | HR@10 | NDCG@10 | distinct top-10 | max share |`,
  ];
  lines.push(`|${" --- |".repeat(2 * e.k.length + 5)}`);
  for (const name of MODELS) {
    const m = e.models[name];
    lines.push(
      `| ${name} | ${e.k.map((k) => f(m.precision[k])).join(" | ")} | ${e.k.map((k) => f(m.recall[k])).join(" | ")} | ${f(m.hit_rate["10"] ?? NaN)} | ${f(m.ndcg["10"] ?? NaN)} | ${f(m.diversity.distinct_share)} | ${f(m.diversity.max_share)} |`,
    );
  }
  return lines.join("\n");
}
