// Build throughput and peak memory on generated logs (default 500,000 and 2,000,000 rows;
// BENCH_BUILD_ROWS=a,b to change), each built BENCH_BUILD_RUNS times (default 3 and 2:
// this host's speed drifts by up to 1.5x within minutes, so one run says little). Each size runs in a child process doing what
// `audience build` does (ingest, rank every product, serialize every variant into bulk
// files, manifest), so the child's own maxRSS is the peak memory of one build.
// Logs are generated once under /tmp/audience-bench/ and reused (generation is not
// measured); each build directory is deleted after it is measured (gigabytes each).
//
// The scale mode (BENCH_BUILD_SCALE=1: 1M, 2M, 5M, 10M and 20M rows unless
// BENCH_BUILD_ROWS says otherwise, one run each unless BENCH_BUILD_RUNS says otherwise)
// builds with the variants a large catalogue would use (BENCH_BUILD_VARIANTS, default
// 10,100 in that mode: the default n is stored as is, every other n is cut from 100),
// adds what a publish of each size costs on Workers KV, and draws time and memory
// against rows into docs/build-scale.svg. A child whose resident memory passes
// BENCH_BUILD_RSS_LIMIT_MB (default 10,240: the machine is shared) is stopped and the
// size recorded as not fitting; a size is skipped when the machine has less free memory
// than that limit. Each measured size is also recorded in docs/build-scale.json; with
// BENCH_BUILD_APPEND=1 the section and chart are drawn from every recorded size (a size
// measured again replaces its record), so the sizes can be run in steps.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import { freemem, loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TopLevelSpec } from "vega-lite";
import { renderSpecs } from "../pipeline/analyze/renderer.js";
import { defaultConfig, parseConfig } from "../pipeline/config.js";
import { generate } from "../pipeline/generate/generate.js";
import { build } from "../pipeline/serialize/build.js";
import { machineLine, table, writeBenchSection } from "./lib/bench-report.js";

const DIR = process.env.BENCH_BUILD_DIR ?? "/tmp/audience-bench";
const SCALE = process.env.BENCH_BUILD_SCALE === "1";
const SIZES = (
  process.env.BENCH_BUILD_ROWS ?? (SCALE ? "1000000,2000000,5000000,10000000,20000000" : "500000,2000000")
)
  .split(",")
  .map((s) => Number(s.trim()));
const runsFor = (rows: number) =>
  Number(process.env.BENCH_BUILD_RUNS ?? (SCALE ? 1 : rows > 1_000_000 ? 2 : 3));
const VARIANTS = process.env.BENCH_BUILD_VARIANTS ?? (SCALE ? "10,100" : undefined);
const RSS_LIMIT_MB = Number(process.env.BENCH_BUILD_RSS_LIMIT_MB ?? 10_240);
const APPEND = process.env.BENCH_BUILD_APPEND === "1";
const RECORD = join("docs", "build-scale.json");
/** Workers KV list prices (paid plan, beyond the included million a month): US$ per million operations. */
const KV_WRITE_USD_PER_M = 5;
const KV_DELETE_USD_PER_M = 5;
const KV_STORAGE_USD_PER_GB_MONTH = 0.5;
/** Bulk-file bytes per input row with the default variants, for the free-disk check (scale mode discards parts as written). */
const BULK_BYTES_PER_ROW = 4_500;
const TARGETS: Record<number, { seconds: number; rssMb?: number }> = {
  500000: { seconds: 15 },
  2000000: { seconds: 60, rssMb: 3072 },
};
const STAGES = [
  "ingest",
  // Handing products, customer ids and the reasons' tables to the serialize thread (before and
  // after the preparation, and the search index's cut after the loop).
  "handoff",
  "prepare",
  // The product loop (wall), then where the main thread's part of it went: making the
  // retarget audiences, ranking, the batches it rendered itself while the serialize thread
  // was behind, waiting for that thread; then the serialize thread's own parts.
  "serialize",
  "serialize.retarget",
  "serialize.rank",
  "serialize.help",
  "serialize.wait",
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
  /** Product rankings over products: 1 when the exposure cap never binds (absent in older records). */
  rankingsPerProduct?: number;
}

async function child(file: string, outDir: string): Promise<void> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const config = VARIANTS ? parseConfig({ variants: VARIANTS.split(",").map(Number) }) : defaultConfig();
  const result = await build({ inputs: [file], outDir, config });
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
    rankingsPerProduct: result.rankings / Math.max(1, m.counts.products),
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
  await generate({ rows, seed: 1, out: file, maxRows: rows });
}

/** Peak resident memory is watched from outside, so a build that would outgrow the shared machine is stopped in time. */
function readRssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

async function runChild(rows: number): Promise<ChildResult | { stoppedAtMb: number; seconds: number }> {
  const script = fileURLToPath(import.meta.url);
  const outDir = join(DIR, `out-${rows}`);
  rmSync(outDir, { recursive: true, force: true });
  const t0 = performance.now();
  try {
    const proc = spawn(process.execPath, ["--import", "tsx", script, "--child", logFor(rows), outDir], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    proc.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
    });
    let stoppedAtMb = 0;
    const watch = setInterval(() => {
      if (SCALE) discardParts(outDir);
      const mb = readRssMb(proc.pid!);
      if (mb > RSS_LIMIT_MB && !stoppedAtMb) {
        stoppedAtMb = mb;
        proc.kill("SIGKILL");
      }
    }, 250);
    const code = await new Promise<number | null>((resolve) => proc.on("close", (c) => resolve(c)));
    clearInterval(watch);
    const seconds = (performance.now() - t0) / 1000;
    if (stoppedAtMb) return { stoppedAtMb: Math.round(stoppedAtMb), seconds };
    if (code !== 0) throw new Error(`build child for ${rows} rows exited with ${code}`);
    return { ...(JSON.parse(out.trim().split("\n").pop()!) as ChildResult), rows };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

/**
 * Scale mode deletes each bulk part as soon as the build has written it: the build is
 * measured, never published, and at 20M rows its bulk files alone would fill this machine's
 * disk. The build runs unchanged (it only writes parts; an unlinked part's space is freed when
 * the build closes it), and the manifest still counts every byte written.
 */
function discardParts(outDir: string): void {
  const builds = join(outDir, "builds");
  try {
    for (const dir of readdirSync(builds)) {
      const kv = join(builds, dir, "kv");
      if (!existsSync(kv)) continue;
      for (const f of readdirSync(kv)) if (f.startsWith("part-")) rmSync(join(kv, f), { force: true });
    }
  } catch {
    // Not created yet, or renamed at the end of the build: nothing to discard.
  }
}

const gb = (bytes: number) => (bytes / 2 ** 30).toFixed(2);
const s = (x: number | undefined) => (x ?? 0).toFixed(2);

async function main(): Promise<void> {
  // Before the first build: once it runs, the load average counts the build's own threads.
  const loadBefore = loadavg()[0].toFixed(1);
  mkdirSync(DIR, { recursive: true });
  const rows: (string | number)[][] = [];
  const stageRows: (string | number)[][] = [];
  const unfit: (string | number)[][] = [];
  const measured: ChildResult[] = [];
  const records: ScaleRecord[] = [];
  for (const size of SIZES) {
    await ensureLog(size);
    // The load before this size's build: its own threads count once it runs.
    const loadNow = loadavg()[0].toFixed(1);
    const startedAt = `${new Date().toISOString().slice(0, 16)}Z`;
    const record = (r: Pick<ScaleRecord, "result" | "outcome">) =>
      records.push({ rows: size, load: loadNow, at: startedAt, ...r });
    const runs: ChildResult[] = [];
    for (let i = 1; i <= runsFor(size); i++) {
      const freeMb = freemem() / 2 ** 20;
      const diskGb = (statfsSync(DIR).bavail * statfsSync(DIR).bsize) / 1e9;
      const needGb = (size * BULK_BYTES_PER_ROW) / 1e9;
      if (!SCALE && diskGb < needGb * 1.2) {
        process.stderr.write(
          `skipping ${size} rows: ${diskGb.toFixed(0)} GB free disk, the bulk files need ~${needGb.toFixed(0)} GB\n`,
        );
        const outcome = `not run: ${diskGb.toFixed(0)} GB free disk, bulk files need ~${needGb.toFixed(0)} GB`;
        unfit.push([size.toLocaleString("en-US"), outcome]);
        record({ outcome });
        break;
      }
      if (freeMb < RSS_LIMIT_MB) {
        process.stderr.write(
          `skipping ${size} rows: ${Math.round(freeMb)} MB free, below the ${RSS_LIMIT_MB} MB limit\n`,
        );
        unfit.push([size.toLocaleString("en-US"), `not run: ${Math.round(freeMb)} MB free`]);
        record({ outcome: `not run: ${Math.round(freeMb)} MB free` });
        break;
      }
      process.stderr.write(`building ${logFor(size)} in a child process (run ${i} of ${runsFor(size)})...\n`);
      const run = await runChild(size);
      if ("stoppedAtMb" in run) {
        process.stderr.write(
          `stopped ${size} rows at ${run.stoppedAtMb} MB RSS after ${run.seconds.toFixed(0)} s\n`,
        );
        const outcome = `stopped at ${run.stoppedAtMb} MB RSS after ${s(run.seconds)} s`;
        unfit.push([size.toLocaleString("en-US"), outcome]);
        record({ outcome });
        break;
      }
      runs.push(run);
    }
    if (runs.length === 0) continue;
    // The run with the median wall time stands for the size; every run's figures are listed.
    const r = [...runs].sort((a, b) => a.totalSeconds - b.totalSeconds)[Math.floor((runs.length - 1) / 2)];
    measured.push(r);
    record({ result: r });
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
    for (const x of runs) stageRows.push(stageRow(x));
    // Written after every size, so a long scale run that is stopped keeps what it measured.
    if (SCALE) await writeScaleSection(records);
  }
  if (SCALE) {
    if (unfit.length > 0) await writeScaleSection(records);
    return;
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
    "Seconds per stage of every run, wall (CPU in brackets where measured per stage; serialize is the per-product loop and serialize.* split it: on the main thread ranking each product, rendering and explaining batches itself while the serialize thread is 8 batches behind (help), and waiting while it is 16 behind (wait); on the serialize thread at the same time finding the reasons, rendering the values and writing them into hashed bulk files; the last column is product rankings over products, 1 when the exposure cap never binds and 2 or more when its fair pass ranks again):",
    "",
    table(STAGE_HEADER, stageRows),
  ].join("\n");
  writeBenchSection("build", md);
  process.stdout.write(`wrote the build section of docs/benchmarks.md\n`);
}

const usd = (x: number) => `$${x.toFixed(2)}`;

/** What one publish of a build costs on Workers KV: every key written once, and deleted once when it retires. */
function kvCost(r: ChildResult) {
  return {
    writes: (r.keys / 1e6) * KV_WRITE_USD_PER_M,
    deletes: (r.keys / 1e6) * KV_DELETE_USD_PER_M,
    storageMonth: (r.valueBytes / 1e9) * KV_STORAGE_USD_PER_GB_MONTH,
  };
}

/** What one scale run measured per size: a result, or why the size did not fit. */
interface ScaleRecord {
  rows: number;
  result?: ChildResult;
  outcome?: string;
  /** Load average (1 min) before the size's build, and when it ran. */
  load: string;
  at: string;
}

/** This run's sizes merged into the recorded ones (with BENCH_BUILD_APPEND=1), by rows. */
function scaleRecords(now: ScaleRecord[]): ScaleRecord[] {
  const old: ScaleRecord[] = APPEND && existsSync(RECORD) ? JSON.parse(readFileSync(RECORD, "utf8")) : [];
  const byRows = new Map(old.map((r) => [r.rows, r]));
  for (const r of now) byRows.set(r.rows, r);
  const all = [...byRows.values()].sort((a, b) => a.rows - b.rows);
  writeFileSync(RECORD, `${JSON.stringify(all, null, 2)}\n`);
  return all;
}

const stageRow = (x: ChildResult) => [
  x.rows.toLocaleString("en-US"),
  ...STAGES.map((st) =>
    !(st in x.seconds)
      ? "–"
      : st in x.cpuSeconds
        ? `${s(x.seconds[st])} (${s(x.cpuSeconds[st])})`
        : s(x.seconds[st]),
  ),
  x.rankingsPerProduct === undefined ? "–" : x.rankingsPerProduct.toFixed(2),
];
/** The stage table's last column: how many times the ranking went over the products (the exposure cap's passes). */
const STAGE_HEADER = ["rows", ...STAGES, "rankings per product"];

async function writeScaleSection(now: ScaleRecord[]): Promise<void> {
  const records = scaleRecords(now);
  const measured = records.flatMap((r) => (r.result ? [r.result] : []));
  const unfit = records.flatMap((r) => (r.outcome ? [[r.rows.toLocaleString("en-US"), r.outcome]] : []));
  const stageRows = measured.map(stageRow);
  const loads = records.map((r) => `${r.rows.toLocaleString("en-US")}: ${r.load} (${r.at})`).join("; ");
  const rows = measured.map((r) => {
    const cost = kvCost(r);
    return [
      r.rows.toLocaleString("en-US"),
      r.products.toLocaleString("en-US"),
      r.customers.toLocaleString("en-US"),
      r.keys.toLocaleString("en-US"),
      `${gb(r.valueBytes)} / ${gb(r.fileBytes)}`,
      s(r.totalSeconds),
      s(r.totalCpuSeconds),
      r.maxRssMb.toLocaleString("en-US"),
      usd(cost.writes),
      usd(cost.deletes),
      usd(cost.storageMonth),
    ];
  });
  const chart = "build-scale.svg";
  if (measured.length > 0) {
    const [svg] = await renderSpecs([scaleChart(measured)]);
    writeFileSync(join("docs", chart), svg);
  }
  const md = [
    "## Build cost as the log grows (bench:build, BENCH_BUILD_SCALE=1)",
    "",
    `Machine: ${machineLine()}, shared with other work, so wall times here are upper bounds and CPU seconds are the steadier figure. Load average (1 min) before each size's build, and when it ran: ${loads}.`,
    `Command: \`BENCH_BUILD_SCALE=1 BENCH_BUILD_ROWS=<sizes> npm run bench:build\`, one run per size, the sizes in one or more steps (\`BENCH_BUILD_APPEND=1\` adds a step's sizes to those recorded in docs/build-scale.json). Input: \`audience generate --seed 1\` logs. Config: the default but \`variants: [${VARIANTS}]\` (a large catalogue: n = 10, the default, is stored as is and every other n is cut from the largest). Each child process is stopped if its RSS passes ${RSS_LIMIT_MB.toLocaleString("en-US")} MB. Bulk parts are deleted as soon as they are written (the bulk-file column is what the build wrote; the 20M files would not fit this disk at once).`,
    `KV cost at Workers KV list prices (US$ ${KV_WRITE_USD_PER_M} per million writes, ${KV_DELETE_USD_PER_M} per million deletes, ${KV_STORAGE_USD_PER_GB_MONTH} per GB-month stored; the included million a month ignored): a publish writes every key once, retiring that version later deletes every key once.`,
    "",
    table(
      [
        "rows",
        "products",
        "customers",
        "KV keys",
        "GiB values / bulk files",
        "wall s",
        "CPU s",
        "peak RSS MB",
        "publish (writes)",
        "delete retired",
        "storage / month",
      ],
      rows,
    ),
    ...(unfit.length > 0 ? ["", "Sizes that did not fit:", "", table(["rows", "outcome"], unfit)] : []),
    "",
    "Seconds per stage, wall (CPU in brackets where measured per stage; handoff is handing products, customer ids and the reasons' tables to the serialize thread and waiting for the name tokens it makes; serialize is the product loop, serialize.* its parts as in the build section above, serialize.retarget the main thread making the retarget audiences; – where a record predates them); the last column is product rankings over products (1: the exposure cap never bound; 2 or more: its fair pass ranked again; – not recorded):",
    "",
    table(STAGE_HEADER, stageRows),
    "",
    `![Build wall time, CPU time and peak RSS against rows](${chart})`,
  ].join("\n");
  writeBenchSection("build-scale", md);
  process.stdout.write(`wrote the build-scale section of docs/benchmarks.md and docs/${chart}\n`);
}

function scaleChart(measured: ChildResult[]): TopLevelSpec {
  const values = measured.flatMap((r) => [
    { rows: r.rows / 1e6, panel: "time (s)", series: "wall", value: r.totalSeconds },
    { rows: r.rows / 1e6, panel: "time (s)", series: "CPU", value: r.totalCpuSeconds },
    { rows: r.rows / 1e6, panel: "peak RSS (GiB)", series: "peak RSS", value: r.maxRssMb / 1024 },
  ]);
  const panel = (name: string) => ({
    title: name,
    width: 300,
    height: 200,
    transform: [{ filter: { field: "panel", equal: name } }],
    mark: { type: "line" as const, point: true },
    encoding: {
      x: { field: "rows", type: "quantitative", title: "rows (millions)" },
      y: { field: "value", type: "quantitative", title: name },
      color: { field: "series", type: "nominal", title: null },
    },
  });
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    data: { values },
    hconcat: [panel("time (s)"), panel("peak RSS (GiB)")],
  } as TopLevelSpec;
}

if (process.argv[2] === "--child") await child(process.argv[3], process.argv[4]);
else await main();
