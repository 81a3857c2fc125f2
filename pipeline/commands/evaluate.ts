import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Command } from "commander";
import { loadConfig } from "../config.js";
import { UsageError } from "../errors.js";
import { plausibleWindow } from "../ingest/dates.js";
import { ingest } from "../ingest/ingest.js";
import { DEFAULT_KS, evaluate, formatEvaluation } from "../model/evaluate.js";
import { renderEvaluationCharts } from "../model/evaluation-charts.js";
import { renderEvaluationReport } from "../model/evaluation-report.js";
import { createProgress } from "../progress.js";
import { DEFAULT_OUT, INPUT_HELP, intList, prepareOutDir } from "./options.js";
import { warnImplausibleDates } from "./warnings.js";

export function registerEvaluate(program: Command): void {
  program
    .command("evaluate")
    .description(
      "Temporal hold-out: train on the rows before the 0.8 quantile of event time, test on the rest; compare the model with random, activity-only and engagement-only audiences.",
    )
    .argument("<input...>", INPUT_HELP)
    .option("--out <dir>", "output folder (evaluation.json and evaluation.html go here)", DEFAULT_OUT)
    .option("--k <list>", "cut-offs, comma-separated", intList("--k"), DEFAULT_KS)
    .option("--config <file>", "JSON config (blend, weights, exposure cap, ...)")
    .option("--quiet", "no progress output")
    .action(
      async (inputs: string[], opts: { out: string; k: number[]; config?: string; quiet?: boolean }) => {
        const config = await loadConfig(opts.config);
        await prepareOutDir(opts.out);
        const progress = createProgress({ label: "ingest", unit: "rows", quiet: opts.quiet });
        const now = new Date();
        const data = await ingest(inputs, {
          config,
          now,
          onProgress: (rows) => progress.update(rows),
        }).finally(() => progress.stop());
        warnImplausibleDates(data.accounting, plausibleWindow(config, now));
        if (data.count === 0) throw new UsageError("no usable rows in the input: nothing to evaluate");
        const result = evaluate(data, config, { ks: opts.k });
        const file = join(opts.out, "evaluation.json");
        await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
        const html = join(opts.out, "evaluation.html");
        const charts = await renderEvaluationCharts(result);
        await writeFile(html, renderEvaluationReport(result, charts, data.files, now));
        process.stdout.write(`${formatEvaluation(result)}\nwrote ${file}\nwrote ${html}\n`);
      },
    );
}
