// The k6 smoke script's own code, run against the real worker on workerd serving a real
// build: every route and error path it visits must pass its body checks. This is what
// keeps the load suite and the worker agreeing on the contract while there is no k6 here
// (k6 runs the same code in production; its http.get is made synchronous with a thread).
import { join } from "node:path";
import type { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleWorker, startWorker } from "../../scripts/lib/worker-runtime.js";
import { failedChecks, loadK6Script, newShimState } from "../fakes/k6/script.js";
import { type SyncFetcher, syncFetcher } from "../fakes/k6/sync-fetch.js";
import { runCli, runToLocalKv } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

const NAMESPACE = "load-smoke-namespace";
const KEY = "k6-smoke-key";

describe("k6 smoke script → real worker", () => {
  const dir = tempDir("pa-load-smoke-");
  const persist = join(dir, "kv");
  let mf: Miniflare;
  let base: string;
  let http: SyncFetcher;

  beforeAll(async () => {
    const csv = join(dir, "log.csv");
    expect((await runCli("generate", "--rows", "300", "--out", csv, "--seed", "11", "--quiet")).code).toBe(0);
    const run = await runToLocalKv(csv, join(dir, "out"), NAMESPACE, persist);
    expect(run.code, run.stderr).toBe(0);
    const started = await startWorker({
      scriptPath: await bundleWorker(),
      kvPersist: persist,
      namespaceId: NAMESPACE,
      bindings: { API_KEYS: KEY },
    });
    mf = started.mf;
    base = started.url.href.replace(/\/$/, "");
    http = syncFetcher();
  });

  afterAll(async () => {
    await http?.close();
    await mf?.dispose();
  });

  it("passes every check of the full tour, API key included", async () => {
    const smoke = await loadK6Script("smoke", { BASE_URL: base, API_KEY: KEY, RESULTS_DIR: dir });
    const state = newShimState((req) => http.request(req));
    const data = smoke.setup();
    expect(data.productIds.length).toBeGreaterThan(3);
    smoke.default(data);
    expect(failedChecks(state)).toEqual([]);
    expect(state.checks.length).toBeGreaterThan(40);
  });

  it("passes every check of 100 iterations of the load mix", async () => {
    const load = await loadK6Script("load", { BASE_URL: base, API_KEY: KEY, RESULTS_DIR: dir });
    const state = newShimState((req) => http.request(req));
    const data = load.setup();
    for (let i = 0; i < 100; i++) load.default(data);
    expect(failedChecks(state)).toEqual([]);
  });
});
