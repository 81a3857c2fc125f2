import { join } from "node:path";
import { type Command, Option } from "commander";
import { loadConfig } from "../config.js";
import { UsageError } from "../errors.js";
import { formatCount } from "../progress.js";
import { Checkpoint } from "../publish/checkpoint.js";
import { formatDryRun, planDryRun } from "../publish/dry-run.js";
import { resolveTarget, TARGET_KINDS, type TargetOptions } from "../publish/open-target.js";
import { publish } from "../publish/publish.js";
import { withRedaction } from "../publish/redact.js";
import { createUploadProgress } from "../publish/upload-progress.js";
import { validateBuild } from "../publish/validate.js";
import { buildsDir, listBuilds } from "../serialize/build.js";
import { readManifest } from "../serialize/manifest.js";
import { DEFAULT_OUT, positiveInt } from "./options.js";

export interface PublishCommandOptions extends TargetOptions {
  dryRun?: boolean;
  keep?: number;
  config?: string;
}

export async function newestBuild(outDir = DEFAULT_OUT): Promise<string> {
  const [newest] = await listBuilds(outDir);
  if (!newest)
    throw new UsageError(`no build found under ${buildsDir(outDir)}: run \`audience build\` first`);
  return join(buildsDir(outDir), newest);
}

/** Versions to keep: --keep wins, then the config's retainVersions (default 2). */
export async function retainCount(opts: { keep?: number; config?: string }): Promise<number> {
  return opts.keep ?? (await loadConfig(opts.config)).retainVersions;
}

async function dryRun(buildDir: string, opts: PublishCommandOptions): Promise<string> {
  const manifest = await readManifest(buildDir);
  const parts = await validateBuild(buildDir, manifest);
  // Without credentials the target cannot be named, so its checkpoint is not consulted:
  // a dry run must work before anyone has a token.
  let confirmed = (_: { file: string; xxh128: string }) => false;
  let name = opts.target === "cloudflare" ? "Cloudflare KV (credentials not set)" : "local KV";
  let resolved: ReturnType<typeof resolveTarget> | undefined;
  try {
    resolved = resolveTarget(opts);
  } catch (err) {
    if (opts.target !== "cloudflare" || !(err instanceof UsageError) || !/CLOUDFLARE_/.test(err.message))
      throw err;
  }
  if (resolved) {
    name = resolved.name;
    const checkpoint = await Checkpoint.open(buildDir, manifest.version, resolved.identity);
    confirmed = (p) => checkpoint.isConfirmed(p.file, p.xxh128);
  }
  process.stdout.write(`${formatDryRun(planDryRun(manifest, parts, confirmed), name)}\n`);
  return manifest.version;
}

export async function runPublish(buildDir: string, opts: PublishCommandOptions): Promise<string> {
  if (opts.dryRun) return dryRun(buildDir, opts);
  const resolved = resolveTarget(opts);
  const retain = await retainCount(opts);
  return withRedaction(resolved.secret, async () => {
    const target = await resolved.open();
    const progress = createUploadProgress({ inFlight: () => target.inFlight(), quiet: opts.quiet });
    const note = (line: string) => {
      if (!opts.quiet) process.stderr.write(`${line}\n`);
    };
    try {
      const result = await publish(buildDir, target, {
        onProgress: ({ keysDone, keysTotal }) => progress.update(keysDone, keysTotal),
        onNote: note,
        retainVersions: retain,
      });
      const m = result.manifest;
      progress.stop(
        opts.quiet
          ? undefined
          : `published ${m.version} to ${target.name}: ${formatCount(m.counts.keys + 1)} keys` +
              (result.partsSkipped ? ` (${result.partsSkipped} part(s) resumed from the checkpoint)` : "") +
              (result.previous && result.previous !== m.version
                ? `; previously live: ${result.previous}`
                : ""),
      );
      if (result.publishOrderError) {
        process.stderr.write(
          `audience: warning: ${m.version} is live, but recording the publish order failed: ${result.publishOrderError} ` +
            `(rollback without --to may fall back to build-time order)\n`,
        );
      }
      if (result.retention?.error) {
        process.stderr.write(
          `audience: warning: ${m.version} is live, but removing old versions failed: ${result.retention.error} ` +
            `(the next publish retries it)\n`,
        );
      }
      return m.version;
    } catch (err) {
      progress.stop();
      throw err;
    } finally {
      await target.close();
    }
  });
}

export function addTargetOptions(command: Command): Command {
  return command
    .addOption(
      new Option("--target <target>", "the KV store to use").choices(TARGET_KINDS).makeOptionMandatory(),
    )
    .option("--namespace-id <id>", "KV namespace id (default: the RECS binding in wrangler.toml)")
    .option("--env <name>", "wrangler environment whose RECS binding to use (e.g. production)")
    .option(
      "--persist-to <dir>",
      "local KV folder (default: .wrangler/state/v3/kv, the one wrangler dev reads)",
    );
}

export function registerPublish(program: Command): void {
  addTargetOptions(
    program
      .command("publish")
      .description(
        "Upload a build's keys, verify them, then switch meta/current to it; old versions beyond the retention count are deleted.",
      )
      .argument("[build_dir]", "build directory (default: the newest under out/builds/)"),
  )
    .option("--dry-run", "print what would be written (keys, bytes, requests, cost) and write nothing")
    .option(
      "--keep <n>",
      "versions to keep after the switch (default: config retainVersions, 2)",
      positiveInt("--keep"),
    )
    .option("--config <file>", "JSON config (for retainVersions)")
    .option("--quiet", "no progress output")
    .addHelpText(
      "after",
      "\nCloudflare: set CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID (CLOUDFLARE_API_BASE_URL overrides the API endpoint).\n" +
        "An interrupted publish resumes where it stopped: run the same command again.",
    )
    .action(async (buildDir: string | undefined, opts: PublishCommandOptions) => {
      const version = await runPublish(buildDir ?? (await newestBuild()), opts);
      if (!opts.dryRun) process.stdout.write(`${version}\n`);
    });
}
