// The `audience` CLI: one register call per command; commands live in commands/*.ts.
import { Command, CommanderError } from "commander";
import { registerAnalyze } from "./commands/analyze.js";
import { registerBuild } from "./commands/build.js";
import { registerEvaluate } from "./commands/evaluate.js";
import { registerGenerate } from "./commands/generate.js";
import { registerMeasure } from "./commands/measure.js";
import { registerPublish } from "./commands/publish.js";
import { registerRollback } from "./commands/rollback.js";
import { registerRun } from "./commands/run.js";
import { registerStatus } from "./commands/status.js";
import { escapeControl } from "./errors.js";

export function createProgram(): Command {
  const program = new Command("audience")
    .description(
      "Product audience pipeline: ingest an interaction log, rank audiences, publish them to Workers KV.",
    )
    .showHelpAfterError("(run with --help for usage)")
    // An option value or argument quoted back in an error must not drive the terminal.
    .configureOutput({ outputError: (text, write) => write(escapeControl(text, true)) })
    .exitOverride();
  registerGenerate(program);
  registerAnalyze(program);
  registerBuild(program);
  registerEvaluate(program);
  registerPublish(program);
  registerRollback(program);
  registerStatus(program);
  registerRun(program);
  registerMeasure(program);
  return program;
}

/** Runs the CLI; returns the exit code instead of exiting, so tests can drive it. */
export async function main(argv: string[]): Promise<number> {
  const program = createProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    return exitCodeFor(err);
  }
}

export function exitCodeFor(err: unknown): number {
  if (err instanceof CommanderError) {
    // --help and --version end here too, with code 0.
    return err.exitCode === 0 ? 0 : 2;
  }
  const e = err as { exitCode?: number; message?: string; name?: string };
  if (e && (e.name === "UsageError" || e.name === "RunError")) {
    // Messages quote input (file names, header cells, ids): nothing in them may drive the terminal.
    process.stderr.write(`audience: error: ${escapeControl(e.message ?? "", true)}\n`);
    return e.exitCode ?? 1;
  }
  process.stderr.write(`audience: unexpected error: ${escapeControl(e?.message ?? String(err), true)}\n`);
  if (process.env.DEBUG) process.stderr.write(`${(err as Error)?.stack ?? ""}\n`);
  return 1;
}
