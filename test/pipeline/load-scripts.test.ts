// The k6 suite, checked without k6: every script bundles and exports what k6 calls, load/
// type-checks against @types/k6, and the scripts' own code runs in Node against a
// stand-in k6 runtime (test/fakes/k6) and a fake API written here from the HTTP contract,
// which proves the body checks catch a wrong count, broken ranks or a hidden fallback.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  bundleK6Script,
  LOAD_SCRIPTS,
  type LoadScript,
  REQUIRED_EXPORTS,
} from "../../scripts/lib/k6-bundle.js";
import { failedChecks, type K6Script, loadK6Script, newShimState } from "../fakes/k6/script.js";
import type { ShimRequest, ShimResponse, ShimState } from "../fakes/k6/state.js";
import { tempDir } from "../helpers/tmp.js";

// ---- a fake API that follows the contract, with switchable faults ----

const VERSION = "20261126T164500Z-3fa2c1";
const KNOWN = [101, 102, 103, 104, 105];
const BASE = "https://audience.test";

interface Faults {
  /** One customer short, and a count that says so. */
  shortList?: boolean;
  /** Ranks 2, 1, 3, ... */
  swappedRanks?: boolean;
  /** Unknown products answered with fallback: false. */
  hiddenFallback?: boolean;
  /** A campaign answer whose holdout count disagrees with its flags. */
  campaignMiscount?: boolean;
  /** An HTML page with status 200 instead of JSON. */
  htmlBody?: boolean;
  health?: ShimResponse;
  requireKey?: string;
}

const json = (status: number, body: unknown): ShimResponse => ({ status, body: JSON.stringify(body) });
const error = (status: number, code: string) => json(status, { error: { code, message: code } });

function audience(productId: number | string, n: number, faults: Faults) {
  const known = KNOWN.includes(Number(productId));
  const size = faults.shortList ? n - 1 : n;
  const recommendations = Array.from({ length: size }, (_, i) => ({
    customer_id: 5000 + i,
    score: 100 - i,
    rank: i + 1,
  }));
  if (faults.swappedRanks && size > 1) [recommendations[0].rank, recommendations[1].rank] = [2, 1];
  return {
    product_id: productId,
    recommendations,
    count: size,
    model_version: VERSION,
    generated_at: "2026-11-26T16:45:00Z",
    fallback: known ? false : !faults.hiddenFallback,
    note: known ? "ranked" : "New product: fallback audience",
  };
}

function fakeApi(faults: Faults = {}): (req: ShimRequest) => ShimResponse {
  return (req) => {
    const url = new URL(req.url);
    const path = url.pathname;
    if (path === "/health")
      return faults.health ?? json(200, { status: "healthy", model_loaded: true, model_version: VERSION });
    if (faults.requireKey && req.headers.Authorization !== `Bearer ${faults.requireKey}`)
      return error(401, "unauthorized");
    const n = Number(url.searchParams.get("n") ?? "10");
    if (path === "/products/sample")
      return json(200, {
        sample_products: KNOWN.slice(0, n),
        products: KNOWN.slice(0, n).map((id) => ({ product_id: id, product_name: `Acme Rocket ${id}` })),
        total_available: KNOWN.length,
      });
    if (path === "/products/search") {
      const q = url.searchParams.get("q") ?? "";
      const results = KNOWN.map((id) => ({
        product_id: id,
        product_name: `Acme Rocket ${id}`,
        customers: 3,
      }));
      return json(200, { query: q, results, count: results.length });
    }
    if (path === "/metrics") return json(200, { variants: [5, 10, 20, 50, 100] });
    if (path === "/recommend/batch" && req.method === "POST") {
      const body = JSON.parse(req.body ?? "{}") as { product_ids: number[]; n: number };
      return json(200, { results: body.product_ids.map((id) => audience(id, body.n, faults)) });
    }
    if (path === "/audience" && req.method === "POST") {
      const body = JSON.parse(req.body ?? "{}") as { product_ids: number[]; n: number };
      const recommendations = body.product_ids.slice(0, body.n).map((id, i) => ({
        customer_id: 7000 + i,
        score: 1 - i / 100,
        rank: i + 1,
        product_id: id,
        holdout: i === 0,
      }));
      const count = recommendations.length;
      return json(200, {
        campaign: "c",
        product_ids: body.product_ids,
        recommendations,
        count,
        targeted: count - 1,
        holdout: faults.campaignMiscount ? 0 : 1,
      });
    }
    const match = /^\/recommend\/([^/]+)$/.exec(path);
    if (match) {
      if (!Number.isInteger(n) || n < 1 || n > 100) return error(422, "invalid_n");
      if (faults.htmlBody) return { status: 200, body: "<html>gateway</html>" };
      const id = /^\d+$/.test(match[1]) ? Number(match[1]) : match[1];
      const body = audience(id, n, faults);
      if (url.searchParams.get("explain") === "true") {
        for (const r of body.recommendations)
          Object.assign(r, { reason: { kind: "engaged", text: "Ranked by overall engagement." } });
      }
      if (url.searchParams.get("format") === "csv") {
        const rows = body.recommendations.map((r) => `${r.customer_id},${r.score},${r.rank}`);
        return { status: 200, body: ["customer_id,score,rank", ...rows].join("\n") };
      }
      return json(200, body);
    }
    return error(404, "not_found");
  };
}

// ---- running a bundled script on the stand-in runtime ----

function newState(faults: Faults = {}, elapsedMs = 0): ShimState {
  return newShimState(fakeApi(faults), elapsedMs);
}

/** A fresh instance of the script, its init code run with `env` as __ENV. */
function load(script: LoadScript, env: Record<string, string> = {}): Promise<K6Script> {
  return loadK6Script(script, { BASE_URL: BASE, RESULTS_DIR: "/results", ...env });
}

const outdir = tempDir("pa-k6-test-");

describe("k6 scripts build as k6 loads them", () => {
  it.each(LOAD_SCRIPTS)(
    "%s bundles with k6 modules external and exports default, options, setup, handleSummary",
    async (script) => {
      const bundle = await bundleK6Script(`load/${script}.ts`, { outdir: join(outdir, "k6") });
      expect(existsSync(bundle.outfile)).toBe(true);
      expect(bundle.exports).toEqual(expect.arrayContaining([...REQUIRED_EXPORTS]));
      const code = readFileSync(bundle.outfile, "utf8");
      // Only modules k6 provides at run time are left to import (type-only ones like k6/options vanish).
      const imported = [...code.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
      expect(imported).toContain("k6/http");
      for (const name of imported) expect(name).toMatch(/^k6(\/(http|execution|metrics))?$/);
    },
  );

  it("type-checks load/ against @types/k6", () => {
    const tsc = spawnSync(process.execPath, ["node_modules/typescript/bin/tsc", "--noEmit", "-p", "load"], {
      encoding: "utf8",
    });
    expect(tsc.stdout + tsc.stderr).toBe("");
    expect(tsc.status).toBe(0);
  });

  it.each(LOAD_SCRIPTS)("%s has thresholds on p95, p99, failed requests and checks", async (script) => {
    const { options } = await load(script);
    const exprs = (metric: string) =>
      (options.thresholds[metric] ?? []).map((t) => (typeof t === "string" ? t : t.threshold));
    expect(exprs("http_req_duration").some((t) => t.startsWith("p(95)<"))).toBe(true);
    expect(exprs("http_req_duration").some((t) => t.startsWith("p(99)<"))).toBe(true);
    expect(exprs("http_req_failed")[0]).toMatch(/^rate<=/);
    expect(exprs("checks")[0]).toMatch(/^rate>=/);
  });
});

describe("smoke: the full tour against the fake API", () => {
  it("passes every check when the API follows the contract, and visits every route and error path", async () => {
    const smoke = await load("smoke");
    const state = newState();
    const data = smoke.setup();
    expect(data).toEqual({
      productIds: ["101", "102", "103", "104", "105"],
      searchTerms: ["Acme", "Acme", "Acme", "Acme", "Acme"],
      numericIds: true,
      variants: [5, 10, 20, 50, 100],
      modelVersion: VERSION,
    });
    smoke.default(data);
    expect(failedChecks(state)).toEqual([]);
    const urls = state.requests.map((r) => `${r.method} ${r.url.replace(BASE, "")}`);
    expect(urls).toEqual(
      expect.arrayContaining([
        "GET /health",
        "GET /products/sample?n=10",
        "GET /products/search?q=Acme&limit=10",
        "GET /recommend/101?n=10&explain=true",
        "GET /recommend/101?n=5",
        "GET /recommend/101?n=6", // not a variant: cut from 10
        "GET /recommend/101?n=100",
        "POST /recommend/batch",
        "POST /audience",
        "GET /recommend/101?n=5&format=csv",
        "GET /recommend/101?n=0",
        "GET /recommend/101?n=101",
        "GET /no-such-route",
      ]),
    );
    expect(state.checks.length).toBeGreaterThan(40);
  });

  it("fails count = n (and nothing about ranks) when every list is one short", async () => {
    const smoke = await load("smoke");
    const state = newState({ shortList: true });
    smoke.default(smoke.setup());
    expect(failedChecks(state)).toEqual([
      "batch: count = n",
      "csv: header then n ranked rows",
      "recommend: count = n",
    ]);
  });

  it("fails the rank checks when ranks are out of order", async () => {
    const smoke = await load("smoke");
    const state = newState({ swappedRanks: true });
    smoke.default(smoke.setup());
    expect(failedChecks(state)).toEqual([
      "batch: ranks are 1..n",
      "csv: header then n ranked rows",
      "recommend: ranks are 1..n",
    ]);
  });

  it("fails the fallback check when a new product's audience is not flagged", async () => {
    const smoke = await load("smoke");
    const state = newState({ hiddenFallback: true });
    smoke.default(smoke.setup());
    expect(failedChecks(state)).toEqual([
      "batch: fallback flagged as expected",
      "recommend: fallback flagged as expected",
    ]);
  });

  it("fails the campaign's holdout check when its count disagrees with the flags", async () => {
    const smoke = await load("smoke");
    const state = newState({ campaignMiscount: true });
    smoke.default(smoke.setup());
    expect(failedChecks(state)).toEqual(["campaign: targeted + holdout = count"]);
  });

  it("turns a 200 that is not JSON into failed checks, never an exception", async () => {
    const smoke = await load("smoke");
    const state = newState({ htmlBody: true });
    expect(() => smoke.default(smoke.setup())).not.toThrow();
    expect(failedChecks(state)).toContain("recommend: body is JSON");
    expect(failedChecks(state)).toContain("recommend: count = n");
  });

  it("sends the API key and checks that a request without it is refused", async () => {
    const smoke = await load("smoke", { API_KEY: "k-123" });
    const state = newState({ requireKey: "k-123" });
    smoke.default(smoke.setup());
    expect(failedChecks(state)).toEqual([]);
    expect(state.checks.map((c) => c.name)).toContain("no API key: status 401");
  });
});

describe("setup fails fast with a message an operator can act on", () => {
  it("stops when /health says nothing is published", async () => {
    const smoke = await load("smoke");
    newState({
      health: json(503, { status: "unhealthy", model_loaded: false, reason: "no model has been published" }),
    });
    expect(() => smoke.setup()).toThrow(
      /not ready: https:\/\/audience\.test\/health is not healthy \(no model has been published\)/,
    );
  });

  it("stops and asks for API_KEY when the deployment needs one", async () => {
    const smoke = await load("smoke");
    newState({ requireKey: "k-123" });
    expect(() => smoke.setup()).toThrow(/the deployment needs a key \(401\): set API_KEY/);
  });

  it("refuses a BASE_URL that is not an http(s) URL before any request", async () => {
    newState();
    await expect(load("smoke", { BASE_URL: "audience.test" })).rejects.toThrow(
      /BASE_URL must be an http\(s\) URL/,
    );
  });
});

describe("the traffic mix and the ramping profiles", () => {
  it("load: 300 iterations of the mix all pass and include known, new, batch and sample requests", async () => {
    const script = await load("load");
    expect(script.options.scenarios.load).toMatchObject({
      executor: "constant-arrival-rate",
      rate: 50,
      duration: "5m",
    });
    const state = newState();
    const data = script.setup();
    state.requests.length = 0;
    for (let i = 0; i < 300; i++) script.default(data);
    expect(failedChecks(state)).toEqual([]);
    const names = state.requests.map((r) => r.tags.name);
    expect(names.filter((n) => n === "GET /recommend/:id").length).toBeGreaterThan(200);
    expect(names).toContain("POST /recommend/batch");
    // A made-up id of the build's type: a number above every real one, answered as a fallback.
    expect(state.requests.some((r) => /\/recommend\/8\d{15}\?/.test(r.url))).toBe(true);
  });

  it("stress: climbs a staircase to MAX_RATE, aborts on the bar, and tags each request with its step", async () => {
    const stress = await load("stress");
    const scenario = stress.options.scenarios.stress;
    expect(scenario.executor).toBe("ramping-arrival-rate");
    // 10 → 500 in 8 steps: 10 + 490·i/8, rounded.
    expect(scenario.stages!.filter((_, i) => i % 2 === 1).map((s) => s.target)).toEqual([
      71, 133, 194, 255, 316, 378, 439, 500,
    ]);
    expect(stress.options.thresholds.http_req_duration).toContainEqual({
      threshold: "p(95)<500",
      abortOnFail: true,
      delayAbortEval: "30s",
    });
    expect(stress.options.thresholds["http_req_duration{step:133}"]).toEqual(["max>=0"]);

    // 75 s in: past the first ramp (10 s) and hold (60 s), halfway up the ramp from 71 to 133.
    const state = newState({}, 75_000);
    stress.default(stress.setup());
    expect(state.requests.at(-1)!.tags.step).toBe("133");
    const offered = state.samples.find((s) => s.metric === "offered_rate")!.value;
    expect(offered).toBeCloseTo(102, 0); // 71 + (133 − 71) · 5/10
  });

  it("spike: tags the surge and holds the recovery phase to the normal bar", async () => {
    const spike = await load("spike", { P95_MS: "300" });
    expect(spike.options.thresholds["http_req_duration{phase:recovery}"]).toEqual([
      "p(95)<300",
      "p(99)<1000",
    ]);
    expect(spike.options.thresholds.http_req_duration).toEqual(["p(95)<600", "p(99)<2000"]);
    const state = newState({}, 65_000); // 60 s at the base rate, then the 10 s surge
    spike.default(spike.setup());
    expect(state.requests.at(-1)!.tags.phase).toBe("surge");
  });

  it("soak: one window per WINDOW of DURATION, each request tagged with its window", async () => {
    const soak = await load("soak", { DURATION: "30m", WINDOW: "10m" });
    expect(
      Object.keys(soak.options.thresholds).filter((k) => k.startsWith("http_req_duration{window:")),
    ).toEqual(["http_req_duration{window:1}", "http_req_duration{window:2}", "http_req_duration{window:3}"]);
    const state = newState({}, 25 * 60_000);
    soak.default(soak.setup());
    expect(state.requests.at(-1)!.tags.window).toBe("3");
  });

  it("refuses a mistyped setting instead of running with it", async () => {
    newState();
    await expect(load("load", { RATE: "fifty" })).rejects.toThrow(
      'RATE must be a positive number, got "fifty"',
    );
    await expect(load("soak", { DURATION: "1 hour" })).rejects.toThrow(/DURATION must be a k6 duration/);
  });
});

describe("handleSummary", () => {
  // The classic summary layout, written by hand.
  const classic = {
    state: { testRunDurationMs: 62_000 },
    root_group: {
      checks: [{ name: "recommend: status 200", passes: 10, fails: 0 }],
      groups: [{ checks: [{ name: "recommend: count = n", passes: 8, fails: 2 }], groups: [] }],
    },
    metrics: {
      http_reqs: { values: { count: 600, rate: 9.7 } },
      http_req_duration: {
        values: { med: 20, "p(95)": 640.5, "p(99)": 900, max: 1200, count: 600 },
        thresholds: { "p(95)<500": { ok: false }, "p(99)<1000": { ok: true } },
      },
      http_req_failed: { values: { rate: 0.005 }, thresholds: { "rate<=0.01": { ok: true } } },
      rate_limited: { values: { count: 3, rate: 0.05 } },
      offered_rate: { values: { value: 133, min: 10, max: 133 } },
      "http_req_duration{step:71}": {
        values: { "p(95)": 40, "p(99)": 80, count: 300 },
        thresholds: { "max>=0": { ok: true } },
      },
      "http_req_failed{step:71}": { values: { rate: 0 }, thresholds: { "rate>=0": { ok: true } } },
    },
  };

  it("writes a text and a JSON summary under RESULTS_DIR and prints the text", async () => {
    const stress = await load("stress", { RESULTS_DIR: "/tmp/r" });
    const out = stress.handleSummary(classic);
    const files = Object.keys(out).sort();
    expect(files[0]).toMatch(/^\/tmp\/r\/stress-\d{8}T\d{6}Z\.json$/);
    expect(files[1]).toMatch(/^\/tmp\/r\/stress-\d{8}T\d{6}Z\.txt$/);
    expect(files[2]).toBe("stdout");
    const text = out.stdout;
    expect(out[files[1]]).toBe(text);
    expect(text).toContain("600 requests (9.7/s), failed 0.50%, checks 18 of 20 passed");
    expect(text).toContain("p95 640.5 ms, p99 900.0 ms");
    expect(text).toContain("FAIL http_req_duration p(95)<500");
    expect(text).toContain("ok   http_req_duration p(99)<1000");
    expect(text).not.toContain("max>=0");
    expect(text).toContain("FAIL recommend: count = n: 2 of 10 failed");
    expect(text).toContain("rate limited: 3 responses were 429");
    expect(text).toContain("offered rate reached 133/s of 500/s");
    expect(text).toMatch(/71\/s\s+p95 40\.0 ms, p99 80\.0 ms, failed 0\.00%, 300 requests/);
    expect(text).toMatch(/133\/s\s+not reached/);
    expect(text).toContain("verdict: FAIL");
    const saved = JSON.parse(out[files[0]]) as { script: string; passed: boolean; summary: unknown };
    expect(saved).toMatchObject({ script: "stress", passed: false, summary: classic });
  });

  it("reads the machine-readable layout of k6 v1.5+/v2 too", async () => {
    const smoke = await load("smoke");
    const text = smoke.handleSummary({
      config: { duration: 12 },
      results: {
        metrics: [
          { name: "http_reqs", values: { count: 40, rate: 3.3 } },
          { name: "http_req_duration", values: { med: 5, "p(95)": 9, "p(99)": 12, max: 15, count: 40 } },
        ],
        checks: { orderedChecks: [{ name: "sample: status 200", passes: 3, fails: 1 }] },
      },
    }).stdout;
    expect(text).toContain("duration 12.0 s, 40 requests (3.3/s)");
    expect(text).toContain("FAIL sample: status 200: 1 of 4 failed");
    expect(text).toContain("verdict: PASS");
    expect(smoke.handleSummary({ results: { passed: false, metrics: [] } }).stdout).toContain(
      "verdict: FAIL",
    );
  });

  it("never throws on a summary of an unexpected shape", async () => {
    const smoke = await load("smoke");
    expect(smoke.handleSummary(null).stdout).toContain("0 requests");
    expect(smoke.handleSummary({ metrics: 5, root_group: "x" }).stdout).toContain("checks: all passed");
  });
});

describe("load/run.sh", () => {
  const run = (args: string[], env: Record<string, string>) =>
    spawnSync("bash", ["load/run.sh", ...args], { encoding: "utf8", env: { ...process.env, ...env } });

  it("says how to install k6 and exits non-zero when k6 is missing", () => {
    const res = run(["smoke"], { K6: "k6-that-is-not-installed" });
    expect(res.status).toBe(127);
    expect(res.stderr).toContain("brew install k6");
    expect(res.stderr).toContain("https://dl.k6.io/deb stable main");
  });

  it("runs the named script with k6 run, results folder set, extra arguments passed on", () => {
    const dir = tempDir("pa-fake-k6-");
    const fake = join(dir, "k6");
    writeFileSync(
      fake,
      `#!/usr/bin/env bash\nif [ "$1" = version ]; then echo "k6 v1.3.0 (go1.24)"; exit 0; fi\necho "$@" > "${dir}/args"\n`,
    );
    chmodSync(fake, 0o755);
    const res = run(["load", "-e", "RATE=5"], { K6: fake });
    expect(res.status, res.stderr).toBe(0);
    expect(readFileSync(join(dir, "args"), "utf8").trim()).toBe(
      `run -e RESULTS_DIR=${process.cwd()}/load/results -e RATE=5 load/load.ts`,
    );
    expect(existsSync("load/results")).toBe(true);
  });

  it("refuses k6 older than 1.0, which cannot run TypeScript", () => {
    const dir = tempDir("pa-old-k6-");
    const fake = join(dir, "k6");
    writeFileSync(fake, `#!/usr/bin/env bash\necho "k6 v0.49.0 (go1.21)"\n`);
    chmodSync(fake, 0o755);
    const res = run(["smoke"], { K6: fake });
    expect(res.status).toBe(1);
    expect(res.stderr).toContain("need k6 >= 1.0");
  });

  it("rejects an unknown script name with usage and exit 2", () => {
    const res = run(["benchmark"], {});
    expect(res.status).toBe(2);
    expect(res.stderr).toContain("usage: bash load/run.sh <smoke|load|stress|spike|soak>");
  });
});
