import type { Command } from "commander";
import { type BuildCommandOptions, runBuild } from "./build.js";
import { DEFAULT_OUT, INPUT_HELP, positiveInt } from "./options.js";
import { addTargetOptions, type PublishCommandOptions, runPublish } from "./publish.js";

export function registerRun(program: Command): void {
  addTargetOptions(
    program
      .command("run")
      .description("Build, then publish the build to the target: the whole refresh in one command.")
      .argument("<input...>", INPUT_HELP),
  )
    .option("--out <dir>", "output folder", DEFAULT_OUT)
    .option("--config <file>", "JSON config (model settings and retainVersions)")
    .option("--suppress <file>", "customer ids that must never appear in an audience")
    .option(
      "--keep <n>",
      "versions to keep after the switch (default: config retainVersions, 2)",
      positiveInt("--keep"),
    )
    .option("--evaluate", "also run the hold-out evaluation and put it in the build's meta")
    .option("--no-report", "skip stats.json and report.html (the data report) in the out folder")
    .option("--dry-run", "build, then print what publishing would write, and write nothing to KV")
    .option("--quiet", "no progress output")
    .action(async (inputs: string[], opts: BuildCommandOptions & PublishCommandOptions) => {
      const result = await runBuild(inputs, { ...opts, report: opts.report !== false });
      const version = await runPublish(result.dir, opts);
      if (!opts.dryRun) process.stdout.write(`${version}\n`);
    });
}
