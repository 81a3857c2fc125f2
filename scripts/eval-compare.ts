// `npm run eval:compare`: is a model variant better than the default, outside the error
// bars? Every shape × seed as `npm run eval:shapes` generates them (the same files), both
// configs ranked on the same hold-out, and per shape and pooled over every log: recall@100
// and hits@100 of each, the paired lift of the candidate over the reference with its 95%
// bootstrap interval (the same product resamples for both), and the candidate's lift over
// activity-only. Products of different logs are pooled as independent units. And the cold
// start: test products training never saw get the fallback (the customer score alone), so
// how many of them it reaches is counted for both configs.
// EVAL_CANDIDATE (config file, required), EVAL_REFERENCE (config file; default config),
// EVAL_ROWS, EVAL_SEEDS, EVAL_SHAPES, EVAL_OUT as in eval-shapes.ts.
import { access, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type Config, loadConfig } from "../pipeline/config.js";
import { generate } from "../pipeline/generate/generate.js";
import { isShapeName, SHAPE_NAMES, type ShapeName } from "../pipeline/generate/shapes.js";
import { ingest } from "../pipeline/ingest/ingest.js";
import { activityOrder, fromGlobalOrder } from "../pipeline/model/baselines.js";
import { ratioInterval, replicateMeans, type Series, sparse } from "../pipeline/model/bootstrap.js";
import { formatInterval, holdOut } from "../pipeline/model/evaluate.js";
import { diversity, hitRateAt, recallAt } from "../pipeline/model/metrics.js";
import { EXPOSURE_LEVEL, rank } from "../pipeline/model/rank.js";
import { table } from "./lib/bench-report.js";

const K = 100;
const ROWS = Number(process.env.EVAL_ROWS ?? 100_000);
const SEEDS = (process.env.EVAL_SEEDS ?? "1,2,3").split(",").map((s) => s.trim());
const SHAPES = (process.env.EVAL_SHAPES ?? SHAPE_NAMES.join(",")).split(",").map((s) => s.trim());
const OUT = process.env.EVAL_OUT ?? "/tmp/audience-eval";

/** Per evaluated product: recall@K and hit@K of reference, candidate and activity. */
interface Run {
  recall: [number[], number[], number[]];
  hit: [number[], number[], number[]];
  maxShare: number;
  distinct: number;
  /** Cold start: per test product training never saw, hit@K of each config's fallback and of activity. */
  fallbackHit: [number[], number[], number[]];
}

function judge(data: Awaited<ReturnType<typeof ingest>>, reference: Config, candidate: Config): Run {
  const { train, trainByProduct, products, truths, unseen } = holdOut(data, 0.8);
  const run: Run = {
    recall: [[], [], []],
    hit: [[], [], []],
    maxShare: 0,
    distinct: 0,
    fallbackHit: [[], [], []],
  };
  if (products.length === 0) return run;
  const fallbacks: Int32Array[] = [];
  const audiences = (config: Config) => {
    const ranking = rank(train, config, { maxN: K, products });
    const map = new Map<number, Int32Array>();
    for (const [p, a] of ranking.audiences())
      map.set(
        p,
        a.customers.map((c) => ranking.customerOf[c]),
      );
    fallbacks.push(ranking.fallback.customers.map((c) => ranking.customerOf[c]));
    return map;
  };
  const ref = audiences(reference);
  const cand = audiences(candidate);
  const activity = activityOrder(train);
  fallbacks.push(activity.subarray(0, K));
  for (const t of unseen)
    fallbacks.forEach((ranked, m) => {
      run.fallbackHit[m].push(hitRateAt({ ranked, ...t }, K));
    });
  const tops: number[][] = [];
  for (const p of products) {
    const lists = [
      ref.get(p)!,
      cand.get(p)!,
      fromGlobalOrder(activity, trainByProduct, train.customer, p, K),
    ];
    lists.forEach((ranked, m) => {
      const j = { ranked, ...truths.get(p)! };
      run.recall[m].push(recallAt(j, K));
      run.hit[m].push(hitRateAt(j, K));
    });
    tops.push(Array.from(cand.get(p)!.subarray(0, EXPOSURE_LEVEL)));
  }
  const d = diversity(tops, EXPOSURE_LEVEL);
  run.maxShare = d.max_share;
  run.distinct = d.distinct_share;
  return run;
}

/** Means and paired lifts over the products of several runs pooled. */
function pooled(runs: Run[]) {
  const cat = (pick: (r: Run) => number[]) => runs.flatMap(pick);
  const series: Series[] = [];
  const values: number[][] = [];
  for (const metric of ["recall", "hit"] as const)
    for (let m = 0; m < 3; m++) {
      const v = cat((r) => r[metric][m]);
      values.push(v);
      series.push(sparse(v));
    }
  const n = values[0].length;
  const reps = replicateMeans(series, n);
  const mean = (i: number) => values[i].reduce((s, x) => s + x, 0) / Math.max(1, n);
  const lift = (a: number, b: number) => ratioInterval(mean(a), mean(b), reps[a], reps[b]);
  return {
    n,
    recall: [mean(0), mean(1), mean(2)],
    hits: [mean(3) * n, mean(4) * n, mean(5) * n],
    recallOverReference: lift(1, 0),
    hitsOverReference: lift(4, 3),
    recallOverActivity: lift(1, 2),
    referenceOverActivity: lift(0, 2),
    fallback: fallbackLift(runs),
  };
}

/** Cold start: products with a fallback hit@K, each config, and the paired ratio. */
function fallbackLift(runs: Run[]) {
  const ref = runs.flatMap((r) => r.fallbackHit[0]);
  const cand = runs.flatMap((r) => r.fallbackHit[1]);
  const act = runs.flatMap((r) => r.fallbackHit[2]);
  const reps = replicateMeans([sparse(ref), sparse(cand), sparse(act)], ref.length);
  const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
  const n = Math.max(1, ref.length);
  return {
    products: ref.length,
    hits: [sum(ref), sum(cand), sum(act)],
    lift: ratioInterval(sum(cand) / n, sum(ref) / n, reps[1], reps[0]),
    overActivity: ratioInterval(sum(cand) / n, sum(act) / n, reps[1], reps[2]),
  };
}

async function main(): Promise<void> {
  for (const s of SHAPES) if (!isShapeName(s)) throw new Error(`EVAL_SHAPES: unknown shape ${s}`);
  if (!process.env.EVAL_CANDIDATE) throw new Error("EVAL_CANDIDATE: a config file to compare is required");
  const reference = await loadConfig(process.env.EVAL_REFERENCE);
  const candidate = await loadConfig(process.env.EVAL_CANDIDATE);
  await mkdir(OUT, { recursive: true });
  const byShape = new Map<string, Run[]>();
  for (const shape of SHAPES as ShapeName[]) {
    const runs: Run[] = [];
    for (const seed of SEEDS) {
      const csv = join(OUT, `${shape}-${seed}-${ROWS}.csv`);
      const exists = await access(csv).then(
        () => true,
        () => false,
      );
      if (!exists) await generate({ rows: ROWS, seed, out: csv, shape });
      runs.push(judge(await ingest([csv], { config: reference }), reference, candidate));
      process.stderr.write(`${shape} seed ${seed}: compared\n`);
    }
    byShape.set(shape, runs);
  }
  const head = [
    "shape",
    "reference R@100",
    "candidate R@100",
    "reference hits@100",
    "candidate hits@100",
    "candidate ÷ reference, R@100 (95% CI)",
    "candidate ÷ reference, hits@100 (95% CI)",
    "candidate ÷ activity, R@100",
    "reference ÷ activity, R@100",
    "max share",
    "distinct/slot",
    "cold start: products, fallback hits@100 reference → candidate (ratio, 95% CI)",
    "cold start: activity hits@100, candidate ÷ activity",
  ];
  const rows: string[][] = [];
  const line = (name: string, runs: Run[]) => {
    const p = pooled(runs);
    const range = (xs: number[]) => `${Math.min(...xs).toFixed(3)}–${Math.max(...xs).toFixed(3)}`;
    rows.push([
      name,
      p.recall[0].toFixed(4),
      p.recall[1].toFixed(4),
      String(Math.round(p.hits[0])),
      String(Math.round(p.hits[1])),
      formatInterval(p.recallOverReference, 2, "x"),
      formatInterval(p.hitsOverReference, 2, "x"),
      formatInterval(p.recallOverActivity, 2, "x"),
      formatInterval(p.referenceOverActivity, 2, "x"),
      range(runs.map((r) => r.maxShare)),
      range(runs.map((r) => r.distinct)),
      `${p.fallback.products}: ${p.fallback.hits[0]} → ${p.fallback.hits[1]} (${formatInterval(p.fallback.lift, 2, "x")})`,
      `${p.fallback.hits[2]}, ${formatInterval(p.fallback.overActivity, 2, "x")}`,
    ]);
  };
  for (const [shape, runs] of byShape) line(shape, runs);
  line("pooled", [...byShape.values()].flat());
  const md = [
    `${ROWS.toLocaleString("en-US")} rows, seeds ${SEEDS.join(", ")}, products of each shape's seeds pooled; reference ${process.env.EVAL_REFERENCE ?? "default config"}, candidate ${process.env.EVAL_CANDIDATE}.`,
    "",
    table(head, rows),
  ].join("\n");
  process.stdout.write(`${md}\n`);
  await writeFile(join(OUT, "compare.md"), `${md}\n`);
}

main().catch((err) => {
  process.stderr.write(`eval:compare: ${(err as Error).message}\n`);
  process.exit(1);
});
