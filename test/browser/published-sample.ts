// A small generated sample, built and published into a temp local KV folder, then served on
// workerd by the worker exactly as `wrangler deploy` bundles it (wrangler.toml's minify and
// keep_names included): the page's script is serialized from compiled functions, so only the
// deployed bundle proves that it runs.
import { execFile } from "node:child_process";
import { cp, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { Miniflare } from "miniflare";
import { startWorker } from "../../scripts/lib/worker-runtime.js";
import { runCli, runToLocalKv } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

export const NAMESPACE = "browser-namespace";

export interface PublishedSample {
  dir: string;
  persist: string;
  version: string;
}

export async function publishSample(rows = 300, seed = 7): Promise<PublishedSample> {
  const dir = tempDir("pa-browser-");
  const csv = join(dir, "log.csv");
  const gen = await runCli(
    "generate",
    "--rows",
    String(rows),
    "--out",
    csv,
    "--seed",
    String(seed),
    "--quiet",
  );
  if (gen.code !== 0) throw new Error(`generate failed: ${gen.stderr}`);
  const persist = join(dir, "kv");
  const run = await runToLocalKv(csv, join(dir, "out"), NAMESPACE, persist);
  if (run.code !== 0) throw new Error(`run failed: ${run.stderr}`);
  return { dir, persist, version: run.stdout.trim() };
}

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const WRANGLER = join(ROOT, "node_modules/wrangler/bin/wrangler.js");

/** The worker as `wrangler deploy` would upload it, written to a temp folder (no network). */
async function deployBundle(): Promise<string> {
  const outdir = await mkdtemp(join(tmpdir(), "pa-deploy-"));
  await promisify(execFile)(process.execPath, [WRANGLER, "deploy", "--dry-run", "--outdir", outdir], {
    cwd: ROOT,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1" },
  });
  return join(outdir, "index.js");
}

// One bundle for the whole test file: bundling is the slow part of a worker start.
let bundle: Promise<string> | undefined;

/**
 * Starts the worker over its own copy of the published KV folder, so two workers (open and
 * with API keys) never share one SQLite store.
 */
export async function serveSample(
  sample: PublishedSample,
  name: string,
  bindings: Record<string, string> = {},
): Promise<{ mf: Miniflare; url: URL }> {
  const persist = join(sample.dir, `kv-${name}`);
  await cp(sample.persist, persist, { recursive: true });
  bundle ??= deployBundle();
  return startWorker({ scriptPath: await bundle, kvPersist: persist, namespaceId: NAMESPACE, bindings });
}

/** The worker over an empty KV: what a fresh deployment looks like before the first publish. */
export async function serveEmpty(dir: string): Promise<{ mf: Miniflare; url: URL }> {
  bundle ??= deployBundle();
  return startWorker({ scriptPath: await bundle, kvPersist: join(dir, "kv-empty"), namespaceId: NAMESPACE });
}
