// Ingest + analyze throughput and peak memory on generated dirty logs (default 500,000
// and 5,000,000 rows; BENCH_INGEST_ROWS=a,b to change). Each size runs in a child
// process doing exactly what `audience analyze` does (ingest with rejected.csv, stats,
// report), so the child's own maxRSS is the peak memory of one analysis.
// Logs are generated once under out/bench/ and reused (generation is not measured).
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { preloadRenderer, writeAnalysis } from "../pipeline/analyze/analyze.js";
import type { Stats } from "../pipeline/analyze/stats.js";
import { defaultConfig } from "../pipeline/config.js";
import { generate } from "../pipeline/generate/generate.js";
import { ingest } from "../pipeline/ingest/ingest.js";
import { machineLine, table, writeBenchSection } from "./lib/bench-report.js";

const DIR = "out/bench";
const SIZES = (process.env.BENCH_INGEST_ROWS ?? "500000,5000000").split(",").map((s) => Number(s.trim()));
const TARGETS: Record<number, string> = {
  500000: "analyzed in < 5 s",
  5000000: "peak RSS < 1.5 GB",
};

interface ChildResult {
  rows: number;
  kept: number;
  ingestSeconds: number;
  analyzeSeconds: number;
  totalSeconds: number;
  /** User + system CPU of the process during the analysis (all threads, the chart
   * worker included): less sensitive than wall time to a shared CPU. */
  cpuSeconds: number;
  maxRssMb: number;
}

async function child(file: string, outDir: string): Promise<void> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  preloadRenderer(); // as `audience analyze` does: vega loads in a worker during the ingest
  const data = await ingest([file], { config: defaultConfig(), rejectedPath: join(outDir, "rejected.csv") });
  const t1 = performance.now();
  await writeAnalysis(data, outDir);
  const t2 = performance.now();
  const result: ChildResult = {
    rows: data.accounting.rows_read,
    kept: data.accounting.rows_kept,
    ingestSeconds: (t1 - t0) / 1000,
    analyzeSeconds: (t2 - t1) / 1000,
    totalSeconds: (t2 - t0) / 1000,
    cpuSeconds: ((c) => (c.user + c.system) / 1e6)(process.cpuUsage(cpu0)),
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function logFor(rows: number): string {
  return join(DIR, `ingest-${rows}.csv`);
}

async function ensureLog(rows: number): Promise<void> {
  const file = logFor(rows);
  if (existsSync(file)) return;
  process.stderr.write(`generating ${file} (${rows.toLocaleString("en-US")} rows, --dirty, seed 1)...\n`);
  await generate({ rows, seed: 1, out: file, dirty: true });
}

function runChild(rows: number): ChildResult & { wallSeconds: number } {
  const script = fileURLToPath(import.meta.url);
  const t0 = performance.now();
  // A fresh node per size (tsx's loader, no CLI parsing): the figure is the analysis,
  // not whatever the parent process already holds.
  const out = execFileSync(
    process.execPath,
    ["--import", "tsx", script, "--child", logFor(rows), join(DIR, `analyze-${rows}`)],
    {
      encoding: "utf8",
      maxBuffer: 1 << 20,
    },
  );
  const wallSeconds = (performance.now() - t0) / 1000;
  return { ...(JSON.parse(out.trim().split("\n").pop()!) as ChildResult), wallSeconds };
}

const PUBLISHED: [string, (s: Stats) => number, number][] = [
  ["interactions (kept)", (s) => s.total_interactions, 498_879],
  ["customers", (s) => s.unique_users, 433_787],
  ["products", (s) => s.unique_products, 200_325],
  ["one-time customers %", (s) => s.user_behavior.one_time_users_pct, 88.78],
  ["mean interactions per customer", (s) => s.user_behavior.mean_interactions_per_user, 1.15],
  ["retention %", (s) => s.user_retention.retention_rate_pct, 3.05],
  ["new late-period products %", (s) => s.product_churn.new_products_pct, 56.98],
  ["cart %", (s) => s.event_distribution.percentages.cart, 60.99],
  ["purchased %", (s) => s.event_distribution.percentages.purchased, 33.3],
  ["wishlist %", (s) => s.event_distribution.percentages.wishlist, 4.45],
  ["search_keyword %", (s) => s.event_distribution.percentages.search_keyword, 0.64],
  ["rating %", (s) => s.event_distribution.percentages.rating, 0.62],
];

async function main(): Promise<void> {
  const rows: (string | number)[][] = [];
  let shape = "";
  for (const size of SIZES) {
    await ensureLog(size);
    process.stderr.write(`analyzing ${logFor(size)} in a child process...\n`);
    const r = runChild(size);
    const rate = Math.round(r.rows / r.totalSeconds);
    const line = `${size.toLocaleString("en-US")} rows: ingest ${r.ingestSeconds.toFixed(2)} s + stats/report ${r.analyzeSeconds.toFixed(2)} s = ${r.totalSeconds.toFixed(2)} s (${rate.toLocaleString("en-US")} rows/s, CPU ${r.cpuSeconds.toFixed(2)} s), process wall ${r.wallSeconds.toFixed(2)} s, peak RSS ${r.maxRssMb} MB`;
    process.stdout.write(`${line}\n`);
    const target = TARGETS[size];
    const met =
      size === 500_000
        ? r.totalSeconds < 5
          ? "met"
          : "missed"
        : size === 5_000_000
          ? r.maxRssMb < 1536
            ? "met"
            : "missed"
          : "–";
    rows.push([
      size.toLocaleString("en-US"),
      r.ingestSeconds.toFixed(2),
      r.analyzeSeconds.toFixed(2),
      r.totalSeconds.toFixed(2),
      r.cpuSeconds.toFixed(2),
      r.wallSeconds.toFixed(2),
      rate.toLocaleString("en-US"),
      r.maxRssMb.toLocaleString("en-US"),
      target ? `${target}: ${met}` : "–",
    ]);
    if (size === 500_000) {
      const stats = JSON.parse(readFileSync(join(DIR, `analyze-${size}`, "stats.json"), "utf8"));
      shape = [
        "Shape of the generated 500,000-row log after cleaning, against the real export's published figures (docs/data.md):",
        "",
        table(
          ["figure", "generated", "real export", "difference"],
          PUBLISHED.map(([name, get, want]) => {
            const got = get(stats);
            return [
              name,
              got.toLocaleString("en-US"),
              want.toLocaleString("en-US"),
              `${(((got - want) / want) * 100).toFixed(1)}%`,
            ];
          }),
        ),
      ].join("\n");
    }
  }
  const load = loadavg()[0].toFixed(1);
  const md = [
    "## Ingest and analyze (bench:ingest)",
    "",
    `Machine: ${machineLine()}. Load average ${load} when the run ended: other work shared the CPU, so re-run alone for clean numbers.`,
    `Command: \`npm run bench:ingest\` (BENCH_INGEST_ROWS=${SIZES.join(",")}). Input: \`audience generate --dirty --seed 1\` logs (duplicates, bad rows, bots included), uncompressed CSV.`,
    "Each size runs in its own child process doing what `audience analyze` does: streaming ingest with rejected.csv, then stats.json and report.html. " +
      "Analysis = ingest + stats + report inside the child; CPU = its user + system time (a steadier figure than wall time on a shared CPU); " +
      "process wall = the child from spawn to exit (node + tsx start-up included); peak RSS = the child's `process.resourceUsage().maxRSS`. rows/s = rows read / analysis s.",
    "",
    table(
      [
        "rows",
        "ingest s",
        "stats + report s",
        "analysis s",
        "analysis CPU s",
        "process wall s",
        "rows/s",
        "peak RSS MB",
        "target",
      ],
      rows,
    ),
    "",
    shape,
  ].join("\n");
  writeBenchSection("ingest", md);
  process.stdout.write(`recorded in docs/benchmarks.md\n`);
}

if (process.argv[2] === "--child") {
  await child(process.argv[3], process.argv[4]);
} else {
  await main();
}
