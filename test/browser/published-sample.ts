// A small generated sample, built and published into a temp local KV folder, then served by
// the real worker bundle on workerd: the same path `npm start` takes, at test size.
import { cp } from "node:fs/promises";
import { join } from "node:path";
import type { Miniflare } from "miniflare";
import { bundleWorker, startWorker } from "../../scripts/lib/worker-runtime.js";
import { runCli } from "../helpers/cli.js";
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
  const run = await runCli(
    "run",
    csv,
    "--out",
    join(dir, "out"),
    "--target",
    "local",
    "--namespace-id",
    NAMESPACE,
    "--persist-to",
    persist,
    "--quiet",
  );
  if (run.code !== 0) throw new Error(`run failed: ${run.stderr}`);
  return { dir, persist, version: run.stdout.trim() };
}

// One bundle per entry for the whole test file: esbuild is the slow part of a worker start.
const bundles = new Map<string, Promise<string>>();

/**
 * Starts the worker over its own copy of the published KV folder, so two workers (open and
 * with API keys) never share one SQLite store.
 */
export async function serveSample(
  sample: PublishedSample,
  name: string,
  bindings: Record<string, string> = {},
  entry = "worker/index.ts",
): Promise<{ mf: Miniflare; url: URL }> {
  const persist = join(sample.dir, `kv-${name}`);
  await cp(sample.persist, persist, { recursive: true });
  if (!bundles.has(entry)) bundles.set(entry, bundleWorker(entry));
  return startWorker({
    scriptPath: await bundles.get(entry)!,
    kvPersist: persist,
    namespaceId: NAMESPACE,
    bindings,
  });
}

/** The worker over an empty KV: what a fresh deployment looks like before the first publish. */
export async function serveEmpty(dir: string): Promise<{ mf: Miniflare; url: URL }> {
  const entry = "worker/index.ts";
  if (!bundles.has(entry)) bundles.set(entry, bundleWorker(entry));
  return startWorker({
    scriptPath: await bundles.get(entry)!,
    kvPersist: join(dir, "kv-empty"),
    namespaceId: NAMESPACE,
  });
}
