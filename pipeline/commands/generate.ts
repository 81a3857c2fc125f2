import type { Command } from "commander";
import { generate } from "../generate/generate.js";
import { createProgress, formatCount } from "../progress.js";
import { positiveInt } from "./options.js";

export function registerGenerate(program: Command): void {
  program
    .command("generate")
    .description("Write a realistic sample interaction log (shaped like the real export, see DATA.md).")
    .requiredOption("--rows <n>", "number of rows to write", positiveInt("--rows"))
    .requiredOption("--out <file>", "CSV file to write")
    .option("--seed <seed>", "seed: the same seed gives the same file", "1")
    .option("--quiet", "no progress output")
    .action(async (opts: { rows: number; out: string; seed: string; quiet?: boolean }) => {
      const progress = createProgress({ label: "generate", unit: "rows", quiet: opts.quiet });
      const result = await generate({
        rows: opts.rows,
        seed: opts.seed,
        out: opts.out,
        onProgress: (done) => progress.update(done, opts.rows),
      });
      progress.stop();
      process.stdout.write(
        `wrote ${opts.out}: ${formatCount(result.rows)} rows, ${formatCount(result.customers)} customers, ${formatCount(result.products)} products\n`,
      );
    });
}
