// bench:serve — the built worker on workerd (Miniflare, no `wrangler dev` proxy) serving
// a published sample, against a bare worker that returns constant JSON bodies of the same
// sizes (one per n), both driven by autocannon in the same run, in alternating rounds.
// Each round puts continuous load on each worker for longer than the isolate's pointer
// refresh interval (CACHE_TTL_SECONDS, 30 s by default), so every round spans a refresh and
// its p99 shows what that costs. Target: the median round at >= 0.7x the bare worker's
// requests/s with p99 <= 2x the bare's, every round's p99 <= 3x, no errors. Writes the
// "serve" section of docs/benchmarks.md ("serve-rate-limit" with BENCH_RATE_LIMIT=1).
//
//   npm run bench:serve                       # 3 rounds of 40 s per worker, 50 connections
//   BENCH_ROUND_SECONDS=8 BENCH_ROWS=2000 npm run bench:serve   # a quick look (spans no refresh)
//   BENCH_RATE_LIMIT=1 npm run bench:serve    # the API with a [[ratelimits]] binding, as deployed
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { Miniflare } from "miniflare";
import { machineLine, table, writeBenchSection } from "./lib/bench-report.js";
import { benchCampaigns } from "./lib/campaign-bench.js";
import { bundleWorker, startWorker } from "./lib/worker-runtime.js";

// autocannon ships no types; these are the parts used here.
interface AutocannonResult {
  duration: number;
  requests: { total: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}
interface AutocannonRequest {
  path: string;
}
type AutocannonInstance = Promise<AutocannonResult> & {
  on(
    event: "response",
    listener: (client: unknown, status: number, bytes: number, responseTime: number) => void,
  ): void;
};
const autocannon = createRequire(import.meta.url)("autocannon") as (options: {
  url: string;
  connections: number;
  duration: number;
  requests: { setupRequest: (req: AutocannonRequest) => AutocannonRequest }[];
}) => AutocannonInstance;

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
// Longer than the 30 s refresh interval plus a margin: a round that spans no refresh
// would leave the tail it causes unmeasured.
const ROUND_SECONDS = Number(process.env.BENCH_ROUND_SECONDS ?? 40);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const ROWS = Number(process.env.BENCH_ROWS ?? 3000);
// The API with a Rate Limiting binding whose limit no run reaches, so every request asks
// the limiter as in production (the bare worker never does). Off by default: the target
// is set for the API without one.
const RATE_LIMIT = process.env.BENCH_RATE_LIMIT === "1";
const N_VALUES = [5, 10, 20];
const NAMESPACE = "bench-serve";
const TARGET_RPS_RATIO = 0.7;
const TARGET_P99_RATIO = 2;
const TARGET_P99_RATIO_EVERY_ROUND = 3;

interface Figures {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  /** CPU time of the worker's workerd process per request: what the worker itself costs. */
  cpuMicros: number;
}

// Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux).
const CLK_TCK = 100;

/** workerd processes started by this process (Miniflare spawns one per instance). */
function workerdPids(): Set<number> {
  const pids = new Set<number>();
  if (!existsSync("/proc")) return pids;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (stat.includes("(workerd)") && Number(fields[1]) === process.pid) pids.add(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

function cpuMillis(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
  } catch {
    return Number.NaN;
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

interface Target {
  url: URL;
  pid: number | undefined;
}

/** One autocannon run over `paths`, picked at random per request; every latency kept for the percentiles. */
async function drive(
  target: Target,
  paths: string[],
  seconds: number,
  latencies: number[] = [],
): Promise<Figures> {
  const cpuBefore = cpuMillis(target.pid);
  const instance = autocannon({
    url: target.url.origin,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        setupRequest: (req) => {
          req.path = paths[Math.floor(Math.random() * paths.length)];
          return req;
        },
      },
    ],
  });
  instance.on("response", (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
    latencies.push(responseTime);
  });
  const result = await instance;
  const cpu = cpuMillis(target.pid) - cpuBefore;
  latencies.sort((a, b) => a - b);
  const requests = result.requests.total;
  const duration = result.duration || seconds;
  return {
    requests,
    seconds: duration,
    rps: requests / duration,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    errors: result.errors + result.timeouts + result.non2xx,
    cpuMicros: (cpu * 1000) / requests,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

interface Round {
  bare: Figures;
  api: Figures;
  rpsRatio: number;
  p99Ratio: number;
}

function cli(...args: string[]): string {
  return execFileSync(process.execPath, ["pipeline/bin.mjs", ...args], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  }).trim();
}

function bundleSize(path: string): { raw: number; gzip: number } {
  const bytes = readFileSync(path);
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const ms = (value: number) => `${value.toFixed(1)} ms`;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "pa-bench-serve-"));
  const workers: Miniflare[] = [];
  try {
    const csv = join(dir, "log.csv");
    const persist = join(dir, "kv");
    process.stderr.write(`Publishing a sample of ${ROWS} rows into a local KV…\n`);
    cli("generate", "--rows", String(ROWS), "--out", csv, "--seed", "11", "--quiet");
    const version = cli(
      "run",
      csv,
      "--out",
      join(dir, "out"),
      "--target",
      "local",
      "--persist-to",
      persist,
      "--namespace-id",
      NAMESPACE,
      "--quiet",
    );

    const apiScript = await bundleWorker();
    const size = bundleSize(apiScript);
    const before = workerdPids();
    const api = await startWorker({
      scriptPath: apiScript,
      kvPersist: persist,
      namespaceId: NAMESPACE,
      rateLimit: RATE_LIMIT ? { limit: 1_000_000_000, period: 60 } : undefined,
    });
    workers.push(api.mf);
    const apiPid = [...workerdPids()].find((pid) => !before.has(pid));

    const sample = (await (await fetch(new URL("/products/sample?n=100", api.url))).json()) as {
      sample_products: (string | number)[];
    };
    if (sample.sample_products.length === 0) throw new Error("the published sample holds no products");
    const paths = sample.sample_products.flatMap((id) => N_VALUES.map((n) => `/recommend/${id}?n=${n}`));

    // The bare worker returns real audience bodies as constants, one per n (picked by the
    // URL's last value), so that it moves the same bytes as the API for every request: an
    // n=20 body is twice an n=10 one, and a single n=10 body made the API move more bytes.
    // Asked as autocannon asks (no compression), so the probe sees what autocannon gets.
    const probes = await Promise.all(
      N_VALUES.map((_, i) =>
        fetch(new URL(paths[i], api.url), { headers: { "accept-encoding": "identity" } }),
      ),
    );
    const bodies = Object.fromEntries(
      await Promise.all(probes.map(async (res, i) => [String(N_VALUES[i]), await res.text()])),
    );
    const bareScript = join(dir, "bare.js");
    writeFileSync(
      bareScript,
      `const bodies = ${JSON.stringify(bodies)};\nconst headers = { "content-type": "application/json; charset=utf-8" };\nexport default { fetch(request) { const url = request.url; return new Response(bodies[url.slice(url.lastIndexOf("=") + 1)], { headers }); } };\n`,
    );
    const beforeBare = workerdPids();
    const bare = await startWorker({ scriptPath: bareScript, kvPersist: persist, namespaceId: NAMESPACE });
    workers.push(bare.mf);
    const bareTarget: Target = { url: bare.url, pid: [...workerdPids()].find((pid) => !beforeBare.has(pid)) };
    const apiTarget: Target = { url: api.url, pid: apiPid };

    process.stderr.write(
      `Warm-up ${WARMUP_SECONDS} s each, then ${ROUNDS} rounds of ${ROUND_SECONDS} s per worker, ${CONNECTIONS} connections, over ${paths.length} paths…\n`,
    );
    await drive(bareTarget, paths, WARMUP_SECONDS);
    await drive(apiTarget, paths, WARMUP_SECONDS);
    const rounds: Round[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      // Alternate which worker goes first, so neither always follows the other's load.
      let bareFigures: Figures;
      let apiFigures: Figures;
      if (i % 2 === 0) {
        bareFigures = await drive(bareTarget, paths, ROUND_SECONDS);
        apiFigures = await drive(apiTarget, paths, ROUND_SECONDS);
      } else {
        apiFigures = await drive(apiTarget, paths, ROUND_SECONDS);
        bareFigures = await drive(bareTarget, paths, ROUND_SECONDS);
      }
      const round = {
        bare: bareFigures,
        api: apiFigures,
        rpsRatio: apiFigures.rps / bareFigures.rps,
        p99Ratio: apiFigures.p99 / bareFigures.p99,
      };
      rounds.push(round);
      process.stderr.write(
        `round ${i + 1}: bare ${Math.round(bareFigures.rps)} req/s p99 ${ms(bareFigures.p99)}, API ${Math.round(apiFigures.rps)} req/s p99 ${ms(apiFigures.p99)} (${round.rpsRatio.toFixed(3)}×, p99 ${round.p99Ratio.toFixed(2)}×, errors ${apiFigures.errors})\n`,
      );
    }

    const medianRps = median(rounds.map((r) => r.rpsRatio));
    const medianP99 = median(rounds.map((r) => r.p99Ratio));
    const worstP99 = Math.max(...rounds.map((r) => r.p99Ratio));
    const errors = rounds.reduce((sum, r) => sum + r.api.errors, 0);
    const met =
      medianRps >= TARGET_RPS_RATIO &&
      medianP99 <= TARGET_P99_RATIO &&
      worstP99 <= TARGET_P99_RATIO_EVERY_ROUND &&
      errors === 0;
    const micros = (value: number) => (Number.isFinite(value) ? `${Math.round(value)} µs` : "n/a");
    const rows = rounds.flatMap((r, i) => [
      [
        `${i + 1}`,
        "bare",
        r.bare.requests,
        Math.round(r.bare.rps),
        ms(r.bare.p50),
        ms(r.bare.p99),
        r.bare.errors,
        micros(r.bare.cpuMicros),
        "",
        "",
      ],
      [
        `${i + 1}`,
        "API",
        r.api.requests,
        Math.round(r.api.rps),
        ms(r.api.p50),
        ms(r.api.p99),
        r.api.errors,
        micros(r.api.cpuMicros),
        `${r.rpsRatio.toFixed(3)}×`,
        `${r.p99Ratio.toFixed(2)}×`,
      ],
    ]);
    const command = `${RATE_LIMIT ? "BENCH_RATE_LIMIT=1 " : ""}BENCH_ROWS=${ROWS} BENCH_ROUNDS=${ROUNDS} BENCH_ROUND_SECONDS=${ROUND_SECONDS} npm run bench:serve`;
    const markdown = [
      RATE_LIMIT
        ? "## Serving with a rate limit (bench:serve, BENCH_RATE_LIMIT=1)"
        : "## Serving (bench:serve)",
      "",
      `Machine: ${machineLine()}; shared with other work while it ran, so absolute figures move from run to run and the ratios within a round are what counts.`,
      `Command: \`${command}\` — the esbuild bundle of worker/index.ts on workerd through Miniflare (no \`wrangler dev\` proxy), reading a local KV holding build ${version}, against a bare worker that returns, for each n, a constant audience body of the API's size (${N_VALUES.map((n) => `${bodies[String(n)].length} bytes for n=${n}`).join(", ")}) with one header. autocannon (in the benchmark's Node process), ${CONNECTIONS} connections, ${ROUNDS} rounds; in each round each worker takes ${ROUND_SECONDS} s of continuous load (${ROUND_SECONDS > 30 ? "longer than the API's 30 s pointer refresh interval, so every round spans a refresh" : "shorter than the API's 30 s pointer refresh interval: a quick look that may span no refresh"}), the bare worker first in odd rounds and second in even ones, after a ${WARMUP_SECONDS} s warm-up each. Paths \`/recommend/<id>?n=<5|10|20>\` picked at random per request over ${sample.sample_products.length} ids from /products/sample. ${RATE_LIMIT ? "The API has a rate-limit binding (limit never reached, so every request asks it)." : "No rate-limit binding."} No [vars]: the API runs on its defaults.`,
      "",
      table(
        [
          "round",
          "worker",
          "requests",
          "requests/s",
          "p50",
          "p99",
          "errors",
          "workerd CPU / request",
          "API / bare req/s",
          "API / bare p99",
        ],
        rows,
      ),
      "",
      `Median over the rounds: requests/s ${medianRps.toFixed(3)}× the bare worker's (target ≥ ${TARGET_RPS_RATIO}×), p99 ${medianP99.toFixed(2)}× (target ≤ ${TARGET_P99_RATIO}×); worst round p99 ${worstP99.toFixed(2)}× (target ≤ ${TARGET_P99_RATIO_EVERY_ROUND}×); API errors ${errors} (target 0): ${RATE_LIMIT ? `${met ? "within" : "outside"} the targets, which are set for the API without a rate limit (npm run bench:serve)` : `**${met ? "target met" : "target missed"}**`}. Spread of the requests/s ratio: ${Math.min(...rounds.map((r) => r.rpsRatio)).toFixed(3)}–${Math.max(...rounds.map((r) => r.rpsRatio)).toFixed(3)}×.`,
      "",
      "workerd CPU / request is the worker process's own CPU time (/proc) divided by the requests it served: the cost of the worker itself, unlike requests/s, which autocannon, the shared CPU and the neighbours also set.",
      "",
      `Worker bundle (esbuild, minified): ${kb(size.raw)}, ${kb(size.gzip)} gzipped.`,
    ].join("\n");
    writeBenchSection(RATE_LIMIT ? "serve-rate-limit" : "serve", markdown);
    process.stdout.write(`${markdown}\n`);
    if (!RATE_LIMIT) await benchCampaigns(api.url, apiPid, sample.sample_products);
    if (!RATE_LIMIT) await measureReadable(apiTarget, paths);
  } finally {
    for (const mf of workers) await mf.dispose().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Search and explain against a plain /recommend on the same API: in each of the ROUNDS
 * rounds, each route takes a quarter of a round (at least 5 s), in rotating order; each
 * route's p50 per round, and its ratio to the plain p50 of the same round (target: at most
 * 2×, as the median over rounds). Search terms are the first three letters of each sampled
 * product's name's words, as a marketer starts typing; explain asks the same products and
 * n as the plain paths.
 */
async function measureReadable(api: Target, plainPaths: string[]): Promise<void> {
  const sample = (await (await fetch(new URL("/products/sample?n=100", api.url))).json()) as {
    products: { product_name: string | null }[];
  };
  const terms = new Set<string>();
  for (const { product_name } of sample.products)
    for (const word of (product_name ?? "").split(/[^\p{L}\p{N}]+/u))
      if (word.length >= 3) terms.add(word.slice(0, 3));
  const routes: [string, string[]][] = [
    ["GET /recommend/:id (plain)", plainPaths],
    ["GET /recommend/:id?explain=true", plainPaths.map((p) => `${p}&explain=true`)],
    [
      "GET /products/search?q=",
      [...terms].map((t) => `/products/search?q=${encodeURIComponent(t)}&limit=10`),
    ],
  ];
  const seconds = Math.max(5, ROUND_SECONDS / 4);
  process.stderr.write(
    `Readable routes: ${ROUNDS} rounds of ${seconds} s per route over ${terms.size} search terms…\n`,
  );
  const load = loadavg()[0];
  for (const [, paths] of routes) await drive(api, paths, WARMUP_SECONDS);
  const rounds = routes.map(() => [] as Figures[]);
  for (let i = 0; i < ROUNDS; i++) {
    for (let k = 0; k < routes.length; k++) {
      const r = (i + k) % routes.length;
      rounds[r].push(await drive(api, routes[r][1], seconds));
    }
  }
  const ratios = (r: number) => rounds[r].map((f, i) => f.p50 / rounds[0][i].p50);
  const met = [1, 2].every((r) => median(ratios(r)) <= 2 && rounds[r].every((f) => f.errors === 0));
  const markdown = [
    "## Readable routes: search and explain (bench:serve)",
    "",
    `Machine: ${machineLine()}; load average (1 min) ${load.toFixed(1)} when these routes started (above ~0.3, other work shared the CPU, and every latency here carries its queueing).`,
    `Command: \`BENCH_ROWS=${ROWS} BENCH_ROUNDS=${ROUNDS} BENCH_ROUND_SECONDS=${ROUND_SECONDS} npm run bench:serve\` (after the serving comparison above, same API worker and KV): ${CONNECTIONS} connections, ${ROUNDS} rounds of ${seconds} s per route in rotating order after a ${WARMUP_SECONDS} s warm-up each; plain and explain over the same ${plainPaths.length} paths, search over ${terms.size} three-letter terms.`,
    "",
    table(
      [
        "route",
        "requests",
        "p50 (median of rounds)",
        "p99 (median of rounds)",
        "errors",
        "p50 / plain p50 (per round)",
      ],
      routes.map(([name], r) => [
        name,
        rounds[r].reduce((sum, f) => sum + f.requests, 0),
        ms(median(rounds[r].map((f) => f.p50))),
        ms(median(rounds[r].map((f) => f.p99))),
        rounds[r].reduce((sum, f) => sum + f.errors, 0),
        `${median(ratios(r)).toFixed(2)}× (${ratios(r)
          .map((x) => x.toFixed(2))
          .join(", ")})`,
      ]),
    ),
    "",
    `Target: search and explain p50 at most 2× the plain p50 (median over rounds), no errors: ${met ? "**met**" : "**missed**"}.`,
  ].join("\n");
  writeBenchSection("serve-readable", markdown);
  process.stdout.write(`${markdown}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:serve failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
