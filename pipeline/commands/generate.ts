import { type Command, Option } from "commander";
import { UsageError } from "../errors.js";
import { DEFAULT_ROWS, generate, MAX_ROWS } from "../generate/generate.js";
import { isShapeName, SHAPE_NAMES, type ShapeName } from "../generate/shapes.js";
import type { OutputFormat } from "../generate/sinks.js";
import { totalRejected } from "../ingest/reasons.js";
import { createProgress, formatCount } from "../progress.js";
import { positiveInt } from "./options.js";

export function registerGenerate(program: Command): void {
  program
    .command("generate")
    .description("Write a realistic sample interaction log (shaped like the real export, see docs/data.md).")
    .option(
      "--rows <n>",
      `data rows to write (at most ${MAX_ROWS.toLocaleString("en-US")})`,
      positiveInt("--rows"),
      DEFAULT_ROWS,
    )
    .requiredOption("--out <file>", "file to write (a CSV is gzip-compressed when the name ends in .gz)")
    .addOption(
      new Option("--format <format>", "csv, or parquet (typed columns, as a warehouse exports them)")
        .choices(["csv", "parquet"])
        .default("csv"),
    )
    .option("--seed <seed>", "seed: the same seed gives the same file", "1")
    .option(
      "--dirty",
      "add what raw exports hold: duplicates, empty ids, unknown events, bad dates, bots, odd header, index column",
    )
    .option(
      "--shape <name>",
      `data shape: ${SHAPE_NAMES.join(", ")} (docs/model.md, "Generator shapes")`,
      (value: string) => {
        if (!isShapeName(value))
          throw new UsageError(`--shape: unknown shape "${value}" (one of ${SHAPE_NAMES.join(", ")})`);
        return value;
      },
      "default",
    )
    .option("--quiet", "no progress output")
    .action(
      async (opts: {
        rows: number;
        out: string;
        format: OutputFormat;
        seed: string;
        dirty?: boolean;
        quiet?: boolean;
        shape: ShapeName;
      }) => {
        const progress = createProgress({ label: "generate", unit: "rows", quiet: opts.quiet });
        const result = await generate({
          rows: opts.rows,
          seed: opts.seed,
          out: opts.out,
          format: opts.format,
          dirty: opts.dirty,
          shape: opts.shape,
          onProgress: (done) => progress.update(done, opts.rows),
        }).finally(() => progress.stop());
        const injected = totalRejected({ rows_read: 0, rows_kept: 0, rejected: result.injected });
        process.stdout.write(
          `wrote ${opts.out}: ${formatCount(result.rows)} rows, ${formatCount(result.customers)} customers, ${formatCount(result.products)} products` +
            (opts.dirty ? `, ${formatCount(injected)} dirty rows the ingest must reject` : "") +
            "\n",
        );
      },
    );
}
