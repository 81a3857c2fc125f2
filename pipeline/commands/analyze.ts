import { join } from "node:path";
import type { Command } from "commander";
import { preloadRenderer, REJECTED_FILE, writeAnalysis } from "../analyze/analyze.js";
import { loadConfig } from "../config.js";
import { plausibleWindow } from "../ingest/dates.js";
import { ingest } from "../ingest/ingest.js";
import { totalRejected } from "../ingest/reasons.js";
import { createProgress, formatCount } from "../progress.js";
import { DEFAULT_OUT, INPUT_HELP, prepareOutDir } from "./options.js";
import { warnImplausibleDates } from "./warnings.js";

interface AnalyzeOptions {
  out: string;
  config?: string;
  quiet?: boolean;
}

export function registerAnalyze(program: Command): void {
  program
    .command("analyze")
    .description("Ingest the log and describe it: OUT/stats.json, OUT/report.html, OUT/rejected.csv.")
    .argument("<input...>", INPUT_HELP)
    .option("--out <dir>", "output folder", DEFAULT_OUT)
    .option("--config <file>", "JSON config (event weights, unknown-event policy, botMaxPerDay, ...)")
    .option("--quiet", "no progress output")
    .action(async (inputs: string[], opts: AnalyzeOptions) => {
      const config = await loadConfig(opts.config);
      await prepareOutDir(opts.out);
      // Charts load vega in a worker thread, on the other core, while the ingest runs.
      preloadRenderer();
      const progress = createProgress({ label: "ingest", unit: "rows", quiet: opts.quiet });
      const now = new Date();
      const data = await ingest(inputs, {
        config,
        now,
        rejectedPath: join(opts.out, REJECTED_FILE),
        onProgress: (rows) => progress.update(rows),
      });
      progress.stop();
      warnImplausibleDates(data.accounting, plausibleWindow(config, now), join(opts.out, REJECTED_FILE));
      const { statsPath, reportPath } = await writeAnalysis(data, opts.out);
      const a = data.accounting;
      process.stdout.write(
        `${formatCount(a.rows_read)} rows read: ${formatCount(a.rows_kept)} kept, ${formatCount(totalRejected(a))} rejected; ` +
          `${formatCount(data.customers.length)} customers, ${formatCount(data.products.length)} products\n` +
          `wrote ${statsPath}, ${reportPath}, ${join(opts.out, REJECTED_FILE)}\n`,
      );
    });
}
