import type { Command } from "commander";
import { build, type BuildResult } from "../build/build.js";
import { loadConfig } from "../config.js";
import { evaluate } from "../model/evaluate.js";
import { createProgress, formatCount } from "../progress.js";
import { DEFAULT_OUT } from "./options.js";

export interface BuildCommandOptions {
  out: string;
  config?: string;
  suppress?: string;
  quiet?: boolean;
  /** Run the hold-out evaluation too and put its summary in the build's meta. */
  evaluate?: boolean;
}

/** Shared by `build` and `run`: progress on stderr, the version on stdout. */
export async function runBuild(inputs: string[], opts: BuildCommandOptions): Promise<BuildResult> {
  const config = await loadConfig(opts.config);
  const bars = new Map<string, ReturnType<typeof createProgress>>();
  const result = await build({
    inputs,
    outDir: opts.out,
    config,
    suppressFile: opts.suppress,
    // Off by default: it ranks the training part four more ways, which roughly doubles a build.
    extraMeta: opts.evaluate ? (data) => ({ stats: { ingest: data.accounting }, evaluation: evaluate(data, config) }) : undefined,
    onStage: (stage) => {
      if (stage === "ingest" || stage === "serialize") {
        bars.set(stage, createProgress({ label: stage, unit: stage === "ingest" ? "rows" : "products", quiet: opts.quiet }));
      }
    },
    onProgress: (stage, done, total) => bars.get(stage)?.update(done, total),
  });
  for (const bar of bars.values()) bar.stop();
  if (!opts.quiet) {
    const m = result.manifest;
    process.stderr.write(
      `built ${result.dir}: ${formatCount(m.counts.products)} products, ${formatCount(m.counts.keys)} keys, ` +
        `${formatCount(m.counts.bytes / 1024 / 1024)} MB in ${m.parts.length} part(s)\n`,
    );
  }
  return result;
}

export function registerBuild(program: Command): void {
  program
    .command("build")
    .description("Ingest, score, rank and serialize one response per product and n-variant into OUT/builds/<version>/.")
    .argument("<input...>", "CSV file(s), .csv.gz, or folder(s) of them")
    .option("--out <dir>", "output folder", DEFAULT_OUT)
    .option("--config <file>", "JSON config (event weights, variants, blend, ...)")
    .option("--suppress <file>", "customer ids (one per line) that must never appear in an audience")
    .option("--evaluate", "also run the hold-out evaluation (as `audience evaluate`) and put it in the build's meta")
    .option("--quiet", "no progress output")
    .action(async (inputs: string[], opts: BuildCommandOptions) => {
      const result = await runBuild(inputs, opts);
      process.stdout.write(`${result.version}\n`);
    });
}
