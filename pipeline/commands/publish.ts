import { join } from "node:path";
import type { Command } from "commander";
import { buildsDir, listBuilds } from "../build/build.js";
import { UsageError } from "../errors.js";
import { openLocalTarget } from "../publish/local.js";
import { publishBuild } from "../publish/publish.js";
import type { KvTarget } from "../publish/target.js";
import { namespaceIdFromWranglerToml } from "../publish/wrangler-config.js";
import { createProgress, formatCount } from "../progress.js";
import { DEFAULT_OUT } from "./options.js";

export interface TargetOptions {
  target: string;
  namespaceId?: string;
  persistTo?: string;
  quiet?: boolean;
}

export async function openTarget(opts: TargetOptions): Promise<KvTarget> {
  if (opts.target === "local") {
    return openLocalTarget(opts.namespaceId ?? namespaceIdFromWranglerToml(), opts.persistTo);
  }
  throw new UsageError(`unknown --target "${opts.target}": use local or cloudflare`);
}

export async function newestBuild(outDir = DEFAULT_OUT): Promise<string> {
  const [newest] = await listBuilds(outDir);
  if (!newest) throw new UsageError(`no build found under ${buildsDir(outDir)}: run \`audience build\` first`);
  return join(buildsDir(outDir), newest);
}

export async function runPublish(buildDir: string, opts: TargetOptions): Promise<string> {
  const target = await openTarget(opts);
  const progress = createProgress({ label: "publish", unit: "keys", quiet: opts.quiet });
  try {
    const manifest = await publishBuild(buildDir, target, {
      onProgress: ({ keysDone, keysTotal }) => progress.update(keysDone, keysTotal),
    });
    progress.stop(opts.quiet ? undefined : `published ${manifest.version} to ${target.name}: ${formatCount(manifest.counts.keys + 1)} keys`);
    return manifest.version;
  } finally {
    await target.close();
  }
}

export function registerPublish(program: Command): void {
  program
    .command("publish")
    .description("Upload a build's keys, verify them, then switch meta/current to it.")
    .argument("[build_dir]", "build directory (default: the newest under out/builds/)")
    .requiredOption("--target <target>", "local | cloudflare")
    .option("--namespace-id <id>", "KV namespace id (default: the RECS binding in wrangler.toml)")
    .option("--persist-to <dir>", "local KV folder (default: .wrangler/state/v3/kv, the one wrangler dev reads)")
    .option("--quiet", "no progress output")
    .action(async (buildDir: string | undefined, opts: TargetOptions) => {
      const version = await runPublish(buildDir ?? (await newestBuild()), opts);
      process.stdout.write(`${version}\n`);
    });
}
