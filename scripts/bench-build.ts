// Build throughput and peak memory on generated logs (default 500,000 and 2,000,000 rows;
// BENCH_BUILD_ROWS=a,b to change). Each size runs in a child process doing what
// `audience build` does (ingest, rank every product, serialize every variant into bulk
// files, manifest), so the child's own maxRSS is the peak memory of one build.
// Logs are generated once under /tmp/audience-bench/ and reused (generation is not
// measured); each build directory is deleted after it is measured (gigabytes each).
import { execFileSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "../pipeline/build/build.js";
import { defaultConfig } from "../pipeline/config.js";
import { generate } from "../pipeline/generate/generate.js";
import { machineLine, table, writeBenchSection } from "./lib/bench-report.js";

const DIR = process.env.BENCH_BUILD_DIR ?? "/tmp/audience-bench";
const SIZES = (process.env.BENCH_BUILD_ROWS ?? "500000,2000000").split(",").map((s) => Number(s.trim()));
const TARGETS: Record<number, { seconds: number; rssMb?: number }> = {
  500_000: { seconds: 15 },
  2_000_000: { seconds: 60, rssMb: 3072 },
};
const STAGES = ["ingest", "prepare", "serialize.rank", "serialize.render", "serialize.write", "finish"];

interface ChildResult {
  rows: number;
  products: number;
  customers: number;
  keys: number;
  valueBytes: number;
  fileBytes: number;
  parts: number;
  seconds: Record<string, number>;
  cpuSeconds: Record<string, number>;
  totalSeconds: number;
  totalCpuSeconds: number;
  maxRssMb: number;
}

async function child(file: string, outDir: string): Promise<void> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const result = await build({ inputs: [file], outDir, config: defaultConfig() });
  const cpu = process.cpuUsage(cpu0);
  const m = result.manifest;
  const out: ChildResult = {
    rows: 0,
    products: m.counts.products,
    customers: m.counts.customers,
    keys: m.counts.keys,
    valueBytes: m.counts.bytes,
    fileBytes: m.file_bytes ?? 0,
    parts: m.parts.length,
    seconds: result.seconds,
    cpuSeconds: result.cpuSeconds,
    totalSeconds: (performance.now() - t0) / 1000,
    totalCpuSeconds: (cpu.user + cpu.system) / 1e6,
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  process.stdout.write(JSON.stringify(out) + "\n");
}

function logFor(rows: number): string {
  return join(DIR, `build-${rows}.csv`);
}

async function ensureLog(rows: number): Promise<void> {
  const file = logFor(rows);
  if (existsSync(file)) return;
  process.stderr.write(`generating ${file} (${rows.toLocaleString("en-US")} rows, seed 1)...\n`);
  await generate({ rows, seed: 1, out: file });
}

function runChild(rows: number): ChildResult {
  const script = fileURLToPath(import.meta.url);
  const outDir = join(DIR, `out-${rows}`);
  rmSync(outDir, { recursive: true, force: true });
  try {
    const out = execFileSync(process.execPath, ["--import", "tsx", script, "--child", logFor(rows), outDir], {
      encoding: "utf8",
      maxBuffer: 1 << 20,
      stdio: ["ignore", "pipe", "inherit"],
    });
    return { ...(JSON.parse(out.trim().split("\n").pop()!) as ChildResult), rows };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

const gb = (bytes: number) => (bytes / 2 ** 30).toFixed(2);
const s = (x: number | undefined) => (x ?? 0).toFixed(2);

async function main(): Promise<void> {
  const rows: (string | number)[][] = [];
  const stageRows: (string | number)[][] = [];
  for (const size of SIZES) {
    await ensureLog(size);
    process.stderr.write(`building ${logFor(size)} in a child process...\n`);
    const r = runChild(size);
    const target = TARGETS[size];
    const met = target ? r.totalSeconds < target.seconds && (target.rssMb === undefined || r.maxRssMb < target.rssMb) : undefined;
    process.stdout.write(
      `${size.toLocaleString("en-US")} rows: ${r.totalSeconds.toFixed(1)} s (CPU ${r.totalCpuSeconds.toFixed(1)} s), ${r.keys.toLocaleString("en-US")} keys, ` +
        `${gb(r.valueBytes)} GiB of values, ${gb(r.fileBytes)} GiB of bulk files, peak RSS ${r.maxRssMb} MB\n`,
    );
    rows.push([
      size.toLocaleString("en-US"),
      r.products.toLocaleString("en-US"),
      r.keys.toLocaleString("en-US"),
      `${gb(r.valueBytes)} / ${gb(r.fileBytes)}`,
      r.parts,
      s(r.totalSeconds),
      s(r.totalCpuSeconds),
      r.maxRssMb.toLocaleString("en-US"),
      target ? `< ${target.seconds} s${target.rssMb ? `, < ${target.rssMb / 1024} GB` : ""}: ${met ? "met" : "missed"}` : "–",
    ]);
    stageRows.push([size.toLocaleString("en-US"), ...STAGES.map((st) => (st in r.cpuSeconds ? `${s(r.seconds[st])} (${s(r.cpuSeconds[st])})` : s(r.seconds[st])))]);
  }
  const load = loadavg()[0].toFixed(1);
  const md = [
    "## Build (bench:build)",
    "",
    `Machine: ${machineLine()}. Load average ${load} when the run ended: other work shared the CPU, so re-run alone for clean numbers.`,
    `Command: \`npm run bench:build\` (BENCH_BUILD_ROWS=${SIZES.join(",")}). Input: \`audience generate --seed 1\` logs; default config (5 variants, 5/10/20/50/100).`,
    "Each size runs in its own child process doing what `audience build` does, without publishing; peak RSS is that child's maxRSS.",
    "",
    table(["rows", "products", "keys", "GiB values / bulk files", "parts", "seconds", "CPU seconds", "peak RSS MB", "target"], rows),
    "",
    "Seconds per stage, wall (CPU in brackets where measured per stage; serialize.* split the per-product loop: ranking each product, rendering its five values, writing them into hashed bulk files):",
    "",
    table(["rows", ...STAGES], stageRows),
  ].join("\n");
  writeBenchSection("build", md);
  process.stdout.write(`wrote the build section of docs/benchmarks.md\n`);
}

if (process.argv[2] === "--child") await child(process.argv[3], process.argv[4]);
else await main();
