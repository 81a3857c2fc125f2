import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Command } from "commander";
import { Option } from "commander";
import { REJECTED_FILE } from "../analyze/analyze.js";
import { loadConfig } from "../config.js";
import { readCampaignFile } from "../measure/campaign-file.js";
import { campaignProducts, type EventChoice, measure } from "../measure/measure.js";
import { measureReport } from "../measure/report.js";
import { verifyHoldout } from "../measure/verify-holdout.js";
import { createProgress } from "../progress.js";
import { DEFAULT_OUT, INPUT_HELP } from "./options.js";

export const MEASURE_FILE = "measure.json";

interface MeasureCliOptions {
  campaign: string;
  log: string[];
  products?: string;
  since?: string;
  until?: string;
  event: EventChoice;
  name?: string;
  out: string;
  config?: string;
  quiet?: boolean;
}

export function registerMeasure(program: Command): void {
  program
    .command("measure")
    .description(
      "Did a campaign cause conversions? Compares its targeted and holdout groups in a later log: OUT/measure.json.",
    )
    .requiredOption(
      "--campaign <file>",
      "the campaign audience as served (CSV: customer_id,score,rank,product_id,holdout)",
    )
    .requiredOption("--log <input...>", `the later interaction log: ${INPUT_HELP}`)
    .option(
      "--products <ids>",
      "campaign products, comma-separated (default: the product ids of the campaign file)",
    )
    .option("--since <iso>", "count events from this instant on (default: the log's first event)")
    .option("--until <iso>", "count events up to this instant, inclusive (default: the log's last event)")
    .addOption(
      new Option("--event <kind>", "what counts as a conversion")
        .choices(["purchased", "any"])
        .default("purchased"),
    )
    .option("--name <campaign>", "the campaign's name as served: checks the file's holdout flags against it")
    .option("--out <dir>", "output folder", DEFAULT_OUT)
    .option("--config <file>", "JSON config (event weights, botMaxPerDay, ...)")
    .option("--quiet", "no progress output")
    .action(async (opts: MeasureCliOptions) => {
      const config = await loadConfig(opts.config);
      const file = await readCampaignFile(opts.campaign);
      const products = campaignProducts(
        file,
        opts.products?.split(",").map((p) => p.trim()),
      );
      if (opts.name !== undefined) verifyHoldout(opts.name, file.customers);
      await mkdir(opts.out, { recursive: true });
      const progress = createProgress({ label: "ingest", unit: "rows", quiet: opts.quiet });
      const result = await measure(file, opts.log, {
        config,
        products,
        since: opts.since,
        until: opts.until,
        event: opts.event,
        rejectedPath: join(opts.out, REJECTED_FILE),
        onProgress: (rows) => progress.update(rows),
      });
      progress.stop();
      const path = join(opts.out, MEASURE_FILE);
      await writeFile(path, `${JSON.stringify(result, null, 2)}\n`);
      let report = measureReport(result, products.length, opts.event);
      if (file.repeatedRows > 0)
        report += `note: ${file.repeatedRows} repeated row(s) of the campaign file counted once\n`;
      process.stdout.write(`${report}wrote ${path}, ${join(opts.out, REJECTED_FILE)}\n`);
    });
}
