// bench:serve — the built worker on workerd (Miniflare, no `wrangler dev` proxy) serving
// a published sample, against a bare worker that returns constant JSON bodies of the same
// sizes (one per n), all driven by autocannon in the same run. Writes the "serve" section of
// docs/benchmarks.md ("serve-rate-limit" with BENCH_RATE_LIMIT=1).
//
//   npm run bench:serve                       # 50 connections, 20 s each, in 8 alternating slices
//   BENCH_SECONDS=8 BENCH_ROWS=2000 npm run bench:serve   # a quick look
//   BENCH_SLICES=1 npm run bench:serve        # one 20 s run each, one after the other
//   BENCH_RATE_LIMIT=1 npm run bench:serve    # the API with a [[ratelimits]] binding, as deployed
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { Miniflare } from "miniflare";
import { machineLine, table, writeBenchSection } from "./lib/bench-report.js";
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
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const ROWS = Number(process.env.BENCH_ROWS ?? 3000);
// The workers take turns in this many slices of SECONDS/SLICES each (same total time and
// connections for all). This host's speed drifts by up to 1.5x over a minute, and one run
// each let that drift decide the ratio; alternating slices put it on all alike. The order
// rotates every round (bare, floor, API; floor, API, bare; …), so that no worker always
// runs right after the same neighbour, whose process may still be winding down its load.
// 1 = one run each, one after the other.
const SLICES = Math.max(1, Number(process.env.BENCH_SLICES ?? 8));
// The API with a Rate Limiting binding whose limit no run reaches, so every request asks
// the limiter as in production (the constant workers never do). Off by default: the
// issue's baseline is the API without one.
const RATE_LIMIT = process.env.BENCH_RATE_LIMIT === "1";
const N_VALUES = [5, 10, 20];
const NAMESPACE = "bench-serve";

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

/** Autocannon runs over `paths`, picked at random per request; every latency kept for p95. */
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
  return {
    requests: result.requests.total,
    seconds: result.duration || seconds,
    rps: 0,
    p50: 0,
    p95: 0,
    p99: 0,
    errors: result.errors + result.timeouts + result.non2xx,
    cpuMicros: cpu * 1000,
  };
}

/** Sums slices into one set of figures; percentiles over every latency of every slice. */
function combine(slices: Figures[], latencies: number[]): Figures {
  const requests = slices.reduce((sum, f) => sum + f.requests, 0);
  const seconds = slices.reduce((sum, f) => sum + f.seconds, 0);
  latencies.sort((a, b) => a - b);
  return {
    requests,
    seconds,
    rps: requests / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    errors: slices.reduce((sum, f) => sum + f.errors, 0),
    cpuMicros: slices.reduce((sum, f) => sum + f.cpuMicros, 0) / requests,
  };
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
    const probe = probes[0];
    // The framing headers are the runtime's, not the worker's: Content-Length, and (when a
    // client asks for gzip, which Miniflare's entry worker then applies) Content-Encoding and
    // Transfer-Encoding. A floor that returned "Transfer-Encoding: chunked" as a constant
    // (it did, from a gzip probe) sent chunked bodies the API never sends.
    const FRAMING = new Set(["content-length", "content-encoding", "transfer-encoding"]);
    const workerHeaders = [...probe.headers].filter(([name]) => !FRAMING.has(name));
    const apiHeaderCount = workerHeaders.length;
    const constantWorker = (headers: Record<string, string>) =>
      `const bodies = ${JSON.stringify(bodies)};\nconst headers = ${JSON.stringify(headers)};\nexport default { fetch(request) { const url = request.url; return new Response(bodies[url.slice(url.lastIndexOf("=") + 1)], { headers }); } };\n`;
    const bareScript = join(dir, "bare.js");
    writeFileSync(bareScript, constantWorker({ "content-type": "application/json; charset=utf-8" }));
    const beforeBare = workerdPids();
    const bare = await startWorker({ scriptPath: bareScript, kvPersist: persist, namespaceId: NAMESPACE });
    workers.push(bare.mf);
    const barePid = [...workerdPids()].find((pid) => !beforeBare.has(pid));
    const bareTarget: Target = { url: bare.url, pid: barePid };
    // The "floor": the bare bodies with every header an API response carries (their values
    // from the probe), so each run shows what the contract's headers alone cost here.
    const floorHeaders = Object.fromEntries(workerHeaders);
    const floorScript = join(dir, "floor.js");
    writeFileSync(floorScript, constantWorker(floorHeaders));
    const beforeFloor = workerdPids();
    const floor = await startWorker({ scriptPath: floorScript, kvPersist: persist, namespaceId: NAMESPACE });
    workers.push(floor.mf);
    const floorTarget: Target = {
      url: floor.url,
      pid: [...workerdPids()].find((pid) => !beforeFloor.has(pid)),
    };
    const apiTarget: Target = { url: api.url, pid: apiPid };

    process.stderr.write(
      `Warm-up ${WARMUP_SECONDS} s each, then ${CONNECTIONS} connections × ${SECONDS} s each over ${paths.length} paths…\n`,
    );
    await drive(bareTarget, paths, WARMUP_SECONDS);
    await drive(floorTarget, paths, WARMUP_SECONDS);
    await drive(apiTarget, paths, WARMUP_SECONDS);
    const slice = SECONDS / SLICES;
    const bareSlices: Figures[] = [];
    const apiSlices: Figures[] = [];
    const floorSlices: Figures[] = [];
    const bareLatencies: number[] = [];
    const apiLatencies: number[] = [];
    const floorLatencies: number[] = [];
    const turns: (() => Promise<unknown>)[] = [
      async () => bareSlices.push(await drive(bareTarget, paths, slice, bareLatencies)),
      async () => floorSlices.push(await drive(floorTarget, paths, slice, floorLatencies)),
      async () => apiSlices.push(await drive(apiTarget, paths, slice, apiLatencies)),
    ];
    for (let i = 0; i < SLICES; i++) {
      for (let k = 0; k < turns.length; k++) await turns[(i + k) % turns.length]();
    }
    const bareFigures = combine(bareSlices, bareLatencies);
    const apiFigures = combine(apiSlices, apiLatencies);
    const floorFigures = combine(floorSlices, floorLatencies);

    const rpsRatio = apiFigures.rps / bareFigures.rps;
    const p99Ratio = apiFigures.p99 / bareFigures.p99;
    const met = rpsRatio >= 0.8 && p99Ratio <= 1.5 && apiFigures.errors === 0;
    const micros = (value: number) => (Number.isFinite(value) ? `${Math.round(value)} µs` : "n/a");
    const row = (name: string, f: Figures) => [
      name,
      f.requests,
      Math.round(f.rps),
      ms(f.p50),
      ms(f.p95),
      ms(f.p99),
      f.errors,
      micros(f.cpuMicros),
    ];
    const markdown = [
      RATE_LIMIT
        ? "## Serving with a rate limit (bench:serve, BENCH_RATE_LIMIT=1)"
        : "## Serving (bench:serve)",
      "",
      `Machine: ${machineLine()}.`,
      `Command: \`${RATE_LIMIT ? "BENCH_RATE_LIMIT=1 " : ""}BENCH_ROWS=${ROWS} BENCH_SECONDS=${SECONDS} BENCH_SLICES=${SLICES} npm run bench:serve\` — the esbuild bundle of worker/index.ts on workerd through Miniflare (no \`wrangler dev\` proxy), reading a local KV holding build ${version}; autocannon (in the benchmark's Node process, not in workerd), ${CONNECTIONS} connections, ${SECONDS} s per worker${SLICES > 1 ? ` in ${SLICES} alternating slices of ${SECONDS / SLICES} s (bare, floor, API; floor, API, bare; API, bare, floor; …), so the host's drifting speed falls on all alike,` : ""} after a ${WARMUP_SECONDS} s warm-up each; same Miniflare options and KV for all; paths \`/recommend/<id>?n=<5|10|20>\` picked at random per request over ${sample.sample_products.length} ids from /products/sample. The bare worker returns, for each n, a constant audience body of the API's size for that n (${N_VALUES.map((n) => `${bodies[String(n)].length} bytes for n=${n}`).join(", ")}) with one header (Content-Type); each API response carries the ${apiHeaderCount} headers of the contract (security headers, request id, ETag, Cache-Control, Vary, X-Model-Version, Content-Type); the floor worker returns the bare bodies with those ${apiHeaderCount} headers as constants, which is what any worker keeping this contract pays here. ${RATE_LIMIT ? "The API with a rate-limit binding (limit never reached, so every request asks it), the constant workers without; no" : "No rate-limit binding and no"} [vars] (so no CORS headers) in any (see docs/api.md).`,
      "",
      table(
        ["worker", "requests", "requests/s", "p50", "p95", "p99", "errors", "workerd CPU / request"],
        [
          row("bare (constant JSON)", bareFigures),
          row(`floor (constant JSON, the API's ${apiHeaderCount} headers)`, floorFigures),
          row("audience API", apiFigures),
        ],
      ),
      "",
      `Ratios: requests/s ${rpsRatio.toFixed(3)}× the bare worker (target ≥ 0.8×), p99 ${p99Ratio.toFixed(2)}× (target ≤ 1.5×), errors ${apiFigures.errors} (target 0): ${RATE_LIMIT ? `${met ? "within" : "outside"} the targets, which are set for the API without a rate limit (npm run bench:serve)` : `**${met ? "target met" : "target missed"}**`}. For the record: the floor serves ${(floorFigures.rps / bareFigures.rps).toFixed(3)}× the bare worker's requests/s, and the API ${(apiFigures.rps / floorFigures.rps).toFixed(3)}× the floor's.`,
      "",
      "workerd CPU / request is the worker process's own CPU time (/proc) divided by the requests it served: the cost of the worker itself, unlike requests/s, which autocannon, the shared CPU and the neighbours also set.",
      "",
      `Worker bundle (esbuild, minified): ${kb(size.raw)}, ${kb(size.gzip)} gzipped.`,
    ].join("\n");
    writeBenchSection(RATE_LIMIT ? "serve-rate-limit" : "serve", markdown);
    process.stdout.write(`${markdown}\n`);
  } finally {
    for (const mf of workers) await mf.dispose().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:serve failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
