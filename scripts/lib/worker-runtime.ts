// Runs the real worker on workerd through Miniflare, without the `wrangler dev` proxy:
// bundled with esbuild from worker/index.ts, reading a local KV persist folder.
// Used by the end-to-end and browser tests and by bench:serve.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";
import { Miniflare } from "miniflare";

export const COMPATIBILITY_DATE = "2026-04-20";

/**
 * The same substitution as wrangler.toml's [alias]: zod's locale index becomes
 * worker/zod-locales.ts (English only), so this bundle matches what wrangler deploys.
 */
const zodEnglishOnly: Plugin = {
  name: "zod-english-only",
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes("/node_modules/zod/")
        ? { path: fileURLToPath(new URL("../../worker/zod-locales.ts", import.meta.url)) }
        : undefined,
    );
  },
};

export async function bundleWorker(entry = "worker/index.ts"): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "pa-worker-"));
  const outfile = join(dir, "worker.js");
  await build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    minify: true,
    outfile,
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    jsx: "automatic",
    jsxImportSource: "hono/jsx",
    logLevel: "silent",
    plugins: [zodEnglishOnly],
  });
  return outfile;
}

export interface WorkerRuntimeOptions {
  scriptPath: string;
  kvPersist: string;
  namespaceId: string;
  port?: number;
  bindings?: Record<string, string>;
  rateLimit?: { limit: number; period: 10 | 60 };
}

export async function startWorker(options: WorkerRuntimeOptions): Promise<{ mf: Miniflare; url: URL }> {
  const mf = new Miniflare({
    modules: true,
    scriptPath: options.scriptPath,
    // workerd resolves module names under this root; the bundle lives in a temp folder.
    modulesRoot: dirname(options.scriptPath),
    compatibilityDate: COMPATIBILITY_DATE,
    kvNamespaces: { RECS: options.namespaceId },
    kvPersist: options.kvPersist,
    bindings: options.bindings ?? {},
    ratelimits: options.rateLimit ? { RATE_LIMITER: { simple: options.rateLimit } } : undefined,
    host: "127.0.0.1",
    port: options.port ?? 0,
  });
  const url = await mf.ready;
  return { mf, url };
}
