// bench:serve's campaign figures: GET /audience for 10 and 100 products (n=100, and n=1000
// for 100 products; a 10% holdout) on the running API worker, one connection at a time, so p50 is the time one
// request takes rather than a queue, and the workerd process's CPU per request is the cost
// to hold against the Workers free plan's 10 ms. Rounds rotate the cases; each
// figure is the median over rounds, with the range.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { machineLine, table, writeBenchSection } from "./bench-report.js";

interface Result {
  requests: { total: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}
type Instance = Promise<Result> & {
  on(event: "response", listener: (c: unknown, s: number, b: number, ms: number) => void): void;
};
const autocannon = createRequire(import.meta.url)("autocannon") as (options: {
  url: string;
  connections: number;
  duration: number;
  requests: { setupRequest: (req: { path: string }) => { path: string } }[];
}) => Instance;

const ROUNDS = Math.max(1, Number(process.env.BENCH_CAMPAIGN_ROUNDS ?? 5));
const SECONDS = Number(process.env.BENCH_CAMPAIGN_SECONDS ?? 4);
/** Products per campaign and n: 10 and 100 products, and the largest answer there is. */
const CASES = [
  { products: 10, n: 100 },
  { products: 100, n: 100 },
  { products: 100, n: 1000 },
] as const;

/** User + system CPU of a process, from /proc (clock ticks of 10 ms). */
function cpuMillis(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

interface Round {
  requests: number;
  errors: number;
  p50: number;
  p99: number;
  cpuMicros: number;
}

/** Campaigns of `size` distinct ids drawn at random from `ids` (all of them when size = ids.length). */
function campaignPaths(ids: (string | number)[], size: number, n: number, count: number): string[] {
  return Array.from({ length: count }, (_, k) => {
    const pool = [...ids];
    for (let i = pool.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [pool[i], pool[j]] = [pool[j], pool[i]];
    }
    return `/audience?products=${pool.slice(0, size).join(",")}&n=${n}&holdout_pct=10&campaign=bench-${k}`;
  });
}

async function round(url: URL, pid: number | undefined, paths: string[]): Promise<Round> {
  const latencies: number[] = [];
  const before = cpuMillis(pid);
  const instance = autocannon({
    url: url.origin,
    connections: 1,
    duration: SECONDS,
    requests: [
      { setupRequest: (req) => ({ ...req, path: paths[Math.floor(Math.random() * paths.length)] }) },
    ],
  });
  instance.on("response", (_c, _s, _b, ms) => latencies.push(ms));
  const result = await instance;
  const cpu = cpuMillis(pid) - before;
  latencies.sort((a, b) => a - b);
  const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)];
  return {
    requests: result.requests.total,
    errors: result.errors + result.timeouts + result.non2xx,
    p50: at(0.5),
    p99: at(0.99),
    cpuMicros: (cpu * 1000) / result.requests.total,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const spread = (xs: number[], unit: (x: number) => string) =>
  `${unit(median(xs))} (${unit(Math.min(...xs))}–${unit(Math.max(...xs))})`;

/**
 * Runs the campaign rounds against the API at `url` (workerd process `pid`) with campaigns
 * drawn from `ids` (at least 100), and writes the "serve-campaign" section.
 */
export async function benchCampaigns(
  url: URL,
  pid: number | undefined,
  ids: (string | number)[],
): Promise<void> {
  if (ids.length < 100) throw new Error(`campaign rounds need 100 sample products, got ${ids.length}`);
  const paths = CASES.map((c) => campaignPaths(ids, c.products, c.n, 50));
  // Warm the isolate: every product's audience and the pointer in its cache.
  for (const p of paths) await round(url, pid, p);
  const rounds: Round[][] = CASES.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    // The order rotates every round, so no case always runs after the same neighbour.
    for (let k = 0; k < CASES.length; k++) {
      const c = (r + k) % CASES.length;
      rounds[c].push(await round(url, pid, paths[c]));
    }
  }
  const msText = (x: number) => `${x.toFixed(1)} ms`;
  const usText = (x: number) => `${Math.round(x)} µs`;
  const rows = CASES.map((c, i) => {
    const rs = rounds[i];
    return [
      `${c.products} products, n=${c.n}`,
      rs.reduce((s, r) => s + r.requests, 0),
      rs.reduce((s, r) => s + r.errors, 0),
      spread(
        rs.map((r) => r.p50),
        msText,
      ),
      spread(
        rs.map((r) => r.p99),
        msText,
      ),
      spread(
        rs.map((r) => r.cpuMicros),
        usText,
      ),
    ];
  });
  const worst = Math.max(...rounds.map((rs) => median(rs.map((r) => r.cpuMicros))));
  const markdown = [
    "## Campaign audiences (bench:serve)",
    "",
    `Machine: ${machineLine()}; shared with other work while measured, so the ranges are wide.`,
    `Command: \`npm run bench:serve\` (BENCH_CAMPAIGN_ROUNDS=${ROUNDS}, BENCH_CAMPAIGN_SECONDS=${SECONDS}), after the serving rounds, on the same API worker and KV: \`GET /audience?products=<10 or 100 ids>&n=<100 or 1000>&holdout_pct=10&campaign=…\`, 50 random campaigns of each case drawn from the ${ids.length} ids of /products/sample, one connection (so p50 is one request's time, not a queue), ${ROUNDS} rounds of ${SECONDS} s per case in rotating order, after a warm-up round each (the isolate then holds every audience: this is the warm-isolate cost). Each figure: the median over rounds (min–max).`,
    "",
    table(["campaign", "requests", "errors", "p50", "p99", "workerd CPU / request"], rows),
    "",
    `Against the Workers free plan's 10 ms of CPU per request: the largest median here is ${usText(worst)}, ${worst < 10_000 ? "below" : "above"} it, runtime share included.`,
    "",
    "workerd CPU / request is the whole workerd process's CPU time (/proc) over the requests served: the worker's own CPU plus the runtime's HTTP handling, so an upper bound on what the Workers CPU limit counts. A cold campaign reads its products in one KV bulk get (one subrequest, one billed read per key not in the isolate cache: at most 100 for 100 products, plus the fallback when none is known).",
  ].join("\n");
  writeBenchSection("serve-campaign", markdown);
  process.stdout.write(`${markdown}\n`);
}
