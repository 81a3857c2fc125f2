import type { Command } from "commander";
import { computeStats, preloadRenderer, writeAnalysis } from "../analyze/analyze.js";
import { loadConfig } from "../config.js";
import { evaluate } from "../model/evaluate.js";
import { createProgress, formatCount } from "../progress.js";
import { type BuildResult, build } from "../serialize/build.js";
import { DEFAULT_OUT, INPUT_HELP, prepareOutDir } from "./options.js";
import { warnImplausibleDates } from "./warnings.js";

export interface BuildCommandOptions {
  out: string;
  config?: string;
  suppress?: string;
  quiet?: boolean;
  /** Run the hold-out evaluation too and put its summary in the build's meta. */
  evaluate?: boolean;
  /** Also write stats.json and report.html into the out folder (what `run` does). */
  report?: boolean;
}

/** Shared by `build` and `run`: progress on stderr, the version on stdout. */
export async function runBuild(inputs: string[], opts: BuildCommandOptions): Promise<BuildResult> {
  const config = await loadConfig(opts.config);
  await prepareOutDir(opts.out);
  const bars = new Map<string, ReturnType<typeof createProgress>>();
  let reportLine: string | undefined;
  // vega loads on a worker thread while the ingest runs on this one.
  if (opts.report) preloadRenderer();
  const result = await build({
    inputs,
    outDir: opts.out,
    config,
    suppressFile: opts.suppress,
    // The stats summary is cheap and always goes into the meta; the evaluation is off by
    // default: it ranks the training part four more ways, which roughly doubles a build.
    extraMeta: async (data) => {
      const stats = computeStats(data);
      if (opts.report) {
        const { reportPath } = await writeAnalysis(data, opts.out, { stats });
        reportLine = `data report: ${reportPath}`;
      }
      return { stats, evaluation: opts.evaluate ? evaluate(data, config) : null };
    },
    onStage: (stage) => {
      if (stage === "ingest" || stage === "serialize") {
        bars.set(
          stage,
          createProgress({ label: stage, unit: stage === "ingest" ? "rows" : "products", quiet: opts.quiet }),
        );
      }
    },
    onProgress: (stage, done, total) => bars.get(stage)?.update(done, total),
  });
  for (const bar of bars.values()) bar.stop();
  warnImplausibleDates(result.accounting, result.window, result.rejectedPath);
  if (!opts.quiet) {
    const m = result.manifest;
    process.stderr.write(
      `built ${result.dir}: ${formatCount(m.counts.products)} products, ${formatCount(m.counts.keys)} keys, ` +
        `${formatCount(m.counts.bytes / 1024 / 1024)} MB in ${m.parts.length} part(s)\n`,
    );
    if (reportLine) process.stderr.write(`${reportLine}\n`);
  }
  return result;
}

export function registerBuild(program: Command): void {
  program
    .command("build")
    .description(
      "Ingest, score, rank and serialize one response per product and n-variant into OUT/builds/<version>/.",
    )
    .argument("<input...>", INPUT_HELP)
    .option("--out <dir>", "output folder", DEFAULT_OUT)
    .option("--config <file>", "JSON config (event weights, variants, blend, ...)")
    .option("--suppress <file>", "customer ids (one per line) that must never appear in an audience")
    .option(
      "--evaluate",
      "also run the hold-out evaluation (as `audience evaluate`) and put it in the build's meta",
    )
    .option("--quiet", "no progress output")
    .action(async (inputs: string[], opts: BuildCommandOptions) => {
      const result = await runBuild(inputs, opts);
      process.stdout.write(`${result.version}\n`);
    });
}
