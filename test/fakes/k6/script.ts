// Loads a k6 script of load/ into Node on the stand-in runtime: bundled once per script,
// then imported afresh for every call so its init code (options, __ENV reads) runs with
// the environment given, as each `k6 run` would.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { bundleK6Script, type LoadScript } from "../../../scripts/lib/k6-bundle.js";
import { K6_SHIM_MODULES } from "./modules.js";
import type { ShimRequest, ShimResponse, ShimState } from "./state.js";

export interface SetupData {
  productIds: string[];
  numericIds: boolean;
  variants: number[];
  modelVersion: string;
}

type Threshold = string | { threshold: string; abortOnFail?: boolean; delayAbortEval?: string };

export interface K6Script {
  options: {
    scenarios: Record<
      string,
      Record<string, unknown> & { executor: string; stages?: { duration: string; target: number }[] }
    >;
    thresholds: Record<string, Threshold[]>;
  };
  setup(): SetupData;
  default(data: SetupData): void;
  handleSummary(data: unknown): Record<string, string>;
}

const outdir = mkdtempSync(join(tmpdir(), "pa-k6-shim-"));
const bundles = new Map<LoadScript, Promise<string>>();
let imports = 0;

export async function loadK6Script(script: LoadScript, env: Record<string, string>): Promise<K6Script> {
  if (!bundles.has(script)) {
    bundles.set(
      script,
      bundleK6Script(`load/${script}.ts`, { outdir, k6Modules: K6_SHIM_MODULES }).then((b) => b.outfile),
    );
  }
  const file = await bundles.get(script)!;
  (globalThis as { __ENV?: Record<string, string> }).__ENV = env;
  return (await import(`${pathToFileURL(file).href}?i=${++imports}`)) as K6Script;
}

/** A fresh record of requests, checks and samples; `elapsedMs` is how far into the scenario. */
export function newShimState(handle: (req: ShimRequest) => ShimResponse, elapsedMs = 0): ShimState {
  const state: ShimState = {
    handle,
    requests: [],
    checks: [],
    samples: [],
    scenarioStartTime: Date.now() - elapsedMs,
  };
  (globalThis as { __k6shim?: ShimState }).__k6shim = state;
  return state;
}

/** Names of the checks that failed at least once, sorted. */
export function failedChecks(state: ShimState): string[] {
  return [...new Set(state.checks.filter((c) => !c.ok).map((c) => c.name))].sort();
}
