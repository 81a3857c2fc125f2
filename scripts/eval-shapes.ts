// `npm run eval:shapes`: the evaluation on several generated logs, every shape × several
// seeds (docs/model.md, "Evaluation across shapes"), so a model change is judged by its
// spread across logs and its intervals, not by one log. Per shape it prints recall@100 and
// hits@100 of the full model and of activity-only, the lift with its paired 95% interval
// (median seed), the spread of the lift over seeds, and the largest share of top-10
// audiences. EVAL_ROWS (100000), EVAL_SEEDS (1,2,3), EVAL_SHAPES (all), EVAL_CONFIG (a
// config file) and EVAL_OUT (/tmp/audience-eval: logs and one evaluation.json per run).
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { loadConfig } from "../pipeline/config.js";
import { generate } from "../pipeline/generate/generate.js";
import { isShapeName, SHAPE_NAMES, type ShapeName } from "../pipeline/generate/shapes.js";
import { ingest } from "../pipeline/ingest/ingest.js";
import { type Evaluation, evaluate, formatInterval } from "../pipeline/model/evaluate.js";
import { table } from "./lib/bench-report.js";

const ROWS = Number(process.env.EVAL_ROWS ?? 100_000);
const SEEDS = (process.env.EVAL_SEEDS ?? "1,2,3").split(",").map((s) => s.trim());
const SHAPES = (process.env.EVAL_SHAPES ?? SHAPE_NAMES.join(",")).split(",").map((s) => s.trim());
const OUT = process.env.EVAL_OUT ?? "/tmp/audience-eval";

async function main(): Promise<void> {
  for (const s of SHAPES) if (!isShapeName(s)) throw new Error(`EVAL_SHAPES: unknown shape ${s}`);
  const config = await loadConfig(process.env.EVAL_CONFIG);
  await mkdir(OUT, { recursive: true });
  const rows: string[][] = [];
  for (const shape of SHAPES as ShapeName[]) {
    const runs: Evaluation[] = [];
    for (const seed of SEEDS) {
      const csv = join(OUT, `${shape}-${seed}-${ROWS}.csv`);
      await generate({ rows: ROWS, seed, out: csv, shape });
      const data = await ingest([csv], { config });
      const e = evaluate(data, config);
      runs.push(e);
      await writeFile(join(OUT, `${shape}-${seed}-${ROWS}.evaluation.json`), JSON.stringify(e, null, 2));
      process.stderr.write(`${shape} seed ${seed}: evaluated ${e.products.evaluated} products\n`);
    }
    const lifts = runs.map((e) => e.lift.activity.recall["100"]?.value ?? Number.NaN);
    const median = [...runs].sort(
      (a, b) => (a.lift.activity.recall["100"]?.value ?? 0) - (b.lift.activity.recall["100"]?.value ?? 0),
    )[Math.floor(runs.length / 2)];
    const range = (xs: number[], d = 2) => `${Math.min(...xs).toFixed(d)}–${Math.max(...xs).toFixed(d)}`;
    rows.push([
      shape,
      range(
        runs.map((e) => e.models.full.recall["100"]),
        4,
      ),
      range(
        runs.map((e) => e.models.activity.recall["100"]),
        4,
      ),
      range(
        runs.map((e) => e.models.full.hits["100"]),
        0,
      ),
      range(
        runs.map((e) => e.models.activity.hits["100"]),
        0,
      ),
      formatInterval(median.lift.activity.recall["100"], 2, "x"),
      range(lifts),
      range(
        runs.map((e) => e.models.full.diversity.max_share),
        3,
      ),
      range(
        runs.map((e) => e.models.full.diversity.distinct_share),
        3,
      ),
    ]);
  }
  const head = [
    "shape",
    "full R@100",
    "activity R@100",
    "full hits@100",
    "activity hits@100",
    "lift over activity, R@100 (median seed, 95% CI)",
    "lift range",
    "max share",
    "distinct/slot",
  ];
  const md = [
    `${ROWS.toLocaleString("en-US")} rows, seeds ${SEEDS.join(", ")}; ranges are min–max over seeds.`,
    "",
    table(head, rows),
  ].join("\n");
  process.stdout.write(`${md}\n`);
  await writeFile(join(OUT, "shapes.md"), `${md}\n`);
}

main().catch((err) => {
  process.stderr.write(`eval:shapes: ${(err as Error).message}\n`);
  process.exit(1);
});
