// Bundles a k6 script of load/ with esbuild the way k6 itself would load it (k6 >= 1.0
// transpiles TypeScript with esbuild too), with k6's built-in modules left external.
// A script that bundles, and exports what k6 calls, is a script k6 can start; this is
// how CI checks the load suite on machines without k6.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build, type Plugin } from "esbuild";

export const LOAD_SCRIPTS = ["smoke", "load", "stress", "spike", "soak"] as const;
export type LoadScript = (typeof LOAD_SCRIPTS)[number];

/** What k6 calls on every script of the suite. */
export const REQUIRED_EXPORTS = ["default", "options", "setup", "handleSummary"] as const;

export interface K6Bundle {
  script: string;
  outfile: string;
  bytes: number;
  exports: string[];
}

export interface BundleOptions {
  outdir?: string;
  /** Resolve `k6` and `k6/*` to these files instead of leaving them external (tests). */
  k6Modules?: Record<string, string>;
}

function k6Shim(modules: Record<string, string>): Plugin {
  return {
    name: "k6-shim",
    setup(b) {
      b.onResolve({ filter: /^k6(\/.*)?$/ }, (args) => {
        const path = modules[args.path];
        if (!path) return { errors: [{ text: `no stand-in for ${args.path}` }] };
        return { path };
      });
    },
  };
}

export async function bundleK6Script(entry: string, options: BundleOptions = {}): Promise<K6Bundle> {
  const outdir = options.outdir ?? (await mkdtemp(join(tmpdir(), "pa-k6-")));
  const name = entry.replace(/^.*\//, "").replace(/\.ts$/, "");
  const outfile = join(outdir, `${name}.js`);
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "neutral",
    // k6's JavaScript runtime (Sobek) implements ES2020 and most of what followed.
    target: "es2020",
    outfile,
    external: options.k6Modules ? [] : ["k6", "k6/*"],
    plugins: options.k6Modules ? [k6Shim(options.k6Modules)] : [],
    metafile: true,
    logLevel: "silent",
  });
  const output =
    result.metafile.outputs[Object.keys(result.metafile.outputs).find((o) => o.endsWith(`${name}.js`))!];
  return { script: entry, outfile, bytes: output.bytes, exports: [...output.exports].sort() };
}
