// Build throughput and peak memory on generated logs (default 500,000 and 2,000,000 rows;
// BENCH_BUILD_ROWS=a,b to change), each built BENCH_BUILD_RUNS times (default 3 and 2:
// this host's speed drifts by up to 1.5x within minutes, so one run says little). Each size runs in a child process doing what
// `audience build` does (ingest, rank every product, serialize every variant into bulk
// files, manifest), so the child's own maxRSS is the peak memory of one build.
// Logs are generated once under /tmp/audience-bench/ and reused (generation is not
// measured); each build directory is deleted after it is measured (gigabytes each).
import { execFileSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { defaultConfig } from "../pipeline/config.js";
import { generate } from "../pipeline/generate/generate.js";
import { build } from "../pipeline/serialize/build.js";
import { machineLine, table, writeBenchSection } from "./lib/bench-report.js";

const DIR = process.env.BENCH_BUILD_DIR ?? "/tmp/audience-bench";
const SIZES = (process.env.BENCH_BUILD_ROWS ?? "500000,2000000").split(",").map((s) => Number(s.trim()));
const runsFor = (rows: number) => Number(process.env.BENCH_BUILD_RUNS ?? (rows > 1_000_000 ? 2 : 3));
const TARGETS: Record<number, { seconds: number; rssMb?: number }> = {
  500000: { seconds: 15 },
  2000000: { seconds: 60, rssMb: 3072 },
};
const STAGES = [
  "ingest",
  "prepare",
  "serialize.rank",
  "serialize.explain",
  "serialize.render",
  "serialize.write",
  "finish",
];

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
  process.stdout.write(`${JSON.stringify(out)}\n`);
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
  // Before the first build: once it runs, the load average counts the build's own threads.
  const loadBefore = loadavg()[0].toFixed(1);
  const rows: (string | number)[][] = [];
  const stageRows: (string | number)[][] = [];
  for (const size of SIZES) {
    await ensureLog(size);
    const runs: ChildResult[] = [];
    for (let i = 1; i <= runsFor(size); i++) {
      process.stderr.write(`building ${logFor(size)} in a child process (run ${i} of ${runsFor(size)})...\n`);
      runs.push(runChild(size));
    }
    // The run with the median wall time stands for the size; every run's figures are listed.
    const r = [...runs].sort((a, b) => a.totalSeconds - b.totalSeconds)[Math.floor((runs.length - 1) / 2)];
    const target = TARGETS[size];
    const met = (x: ChildResult) =>
      target
        ? x.totalSeconds < target.seconds && (target.rssMb === undefined || x.maxRssMb < target.rssMb)
        : undefined;
    process.stdout.write(
      `${size.toLocaleString("en-US")} rows: ${runs.map((x) => `${x.totalSeconds.toFixed(1)} s`).join(", ")} (median ${r.totalSeconds.toFixed(1)} s, CPU ${r.totalCpuSeconds.toFixed(1)} s), ${r.keys.toLocaleString("en-US")} keys, ` +
        `${gb(r.valueBytes)} GiB of values, ${gb(r.fileBytes)} GiB of bulk files, peak RSS ${Math.max(...runs.map((x) => x.maxRssMb))} MB\n`,
    );
    const metRuns = runs.filter((x) => met(x)).length;
    rows.push([
      size.toLocaleString("en-US"),
      r.products.toLocaleString("en-US"),
      r.keys.toLocaleString("en-US"),
      `${gb(r.valueBytes)} / ${gb(r.fileBytes)}`,
      r.parts,
      `${s(r.totalSeconds)} (runs: ${runs.map((x) => s(x.totalSeconds)).join(", ")})`,
      s(r.totalCpuSeconds),
      Math.max(...runs.map((x) => x.maxRssMb)).toLocaleString("en-US"),
      target
        ? `< ${target.seconds} s${target.rssMb ? `, < ${target.rssMb / 1024} GB` : ""}: met in ${metRuns} of ${runs.length} runs`
        : "–",
    ]);
    for (const x of runs)
      stageRows.push([
        size.toLocaleString("en-US"),
        ...STAGES.map((st) =>
          st in x.cpuSeconds ? `${s(x.seconds[st])} (${s(x.cpuSeconds[st])})` : s(x.seconds[st]),
        ),
      ]);
  }
  const md = [
    "## Build (bench:build)",
    "",
    `Machine: ${machineLine()}. Load average (1 min) ${loadBefore} before the first build; anything above ~0.3 means other work shared the CPU.`,
    `Command: \`npm run bench:build\` (BENCH_BUILD_ROWS=${SIZES.join(",")}; ${SIZES.map((n) => `${runsFor(n)} runs of ${n.toLocaleString("en-US")}`).join(", ")}). Input: \`audience generate --seed 1\` logs; default config (5 variants, 5/10/20/50/100).`,
    "Each run is its own child process doing what `audience build` does, without publishing; peak RSS is the largest child maxRSS. The seconds column is the median run, with every run listed; the target column counts the runs that met it.",
    "",
    table(
      [
        "rows",
        "products",
        "keys",
        "GiB values / bulk files",
        "parts",
        "seconds",
        "CPU seconds (median run)",
        "peak RSS MB",
        "target",
      ],
      rows,
    ),
    "",
    "Seconds per stage of every run, wall (CPU in brackets where measured per stage; serialize.* split the per-product loop: ranking each product on the main thread, and on the serialize thread at the same time rendering its five values and writing them into hashed bulk files):",
    "",
    table(["rows", ...STAGES], stageRows),
  ].join("\n");
  writeBenchSection("build", md);
  process.stdout.write(`wrote the build section of docs/benchmarks.md\n`);
}

if (process.argv[2] === "--child") await child(process.argv[3], process.argv[4]);
else await main();
