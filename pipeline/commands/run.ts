import type { Command } from "commander";
import { runBuild, type BuildCommandOptions } from "./build.js";
import { runPublish, type TargetOptions } from "./publish.js";
import { DEFAULT_OUT } from "./options.js";

export function registerRun(program: Command): void {
  program
    .command("run")
    .description("Build, then publish the build to the target: the whole refresh in one command.")
    .argument("<input...>", "CSV file(s), .csv.gz, or folder(s) of them")
    .requiredOption("--target <target>", "local | cloudflare")
    .option("--out <dir>", "output folder", DEFAULT_OUT)
    .option("--config <file>", "JSON config")
    .option("--suppress <file>", "customer ids that must never appear in an audience")
    .option("--namespace-id <id>", "KV namespace id (default: from wrangler.toml)")
    .option("--persist-to <dir>", "local KV folder")
    .option("--quiet", "no progress output")
    .action(async (inputs: string[], opts: BuildCommandOptions & TargetOptions) => {
      const result = await runBuild(inputs, opts);
      const version = await runPublish(result.dir, opts);
      process.stdout.write(`${version}\n`);
    });
}
