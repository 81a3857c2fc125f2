// Publish throughput (keys/s): to the loopback fake of the Cloudflare KV API (client-side
// cost, and with a simulated per-request latency to show what requests in flight buy),
// and to the local KV `wrangler dev` reads. Sizes: BENCH_FAKE_KEYS (default 50,000) and
// BENCH_LOCAL_KEYS (default 3,000: local KV takes ~500-1,000 writes/s on an idle machine).
import { rmSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { CloudflareKv } from "../pipeline/publish/cloudflare.js";
import { openLocalTarget } from "../pipeline/publish/local.js";
import { publish } from "../pipeline/publish/publish.js";
import type { KvTarget } from "../pipeline/publish/target.js";
import { writeTinyBuild } from "../test/fakes/build-dir.js";
import { startFakeKvApi } from "../test/fakes/kv-api.js";
import { tempDir } from "../test/helpers/tmp.js";
import { machineLine, table, writeBenchSection } from "./lib/bench-report.js";

const FAKE_KEYS = Number(process.env.BENCH_FAKE_KEYS ?? 50_000);
const LOCAL_KEYS = Number(process.env.BENCH_LOCAL_KEYS ?? 3_000);
const VALUE_BYTES = 2_000; // a real rec value is ~2 KB (100-customer variant less, 5-customer more)
const PER_PART = 10_000;
const TOKEN = "bench-token-0000";

interface Row {
  target: string;
  keys: number;
  parts: number;
  seconds: number;
  requests?: number;
}

function partsFor(keys: number, perPart: number): { parts: number; perPart: number } {
  const parts = Math.max(1, Math.ceil(keys / perPart));
  return { parts, perPart: Math.ceil(keys / parts) };
}

async function timed(buildDir: string, target: KvTarget): Promise<number> {
  const t0 = performance.now();
  await publish(buildDir, target, { retainVersions: 2 });
  return (performance.now() - t0) / 1000;
}

/** Three publishes: the first into an empty namespace, a steady-state one (the oldest version is deleted), the same again (all parts resumed). */
async function benchFake(latencyMs: number, rows: Row[]): Promise<void> {
  const fake = await startFakeKvApi({ token: TOKEN, accountId: "bench", namespaceId: "bench", latencyMs });
  const root = tempDir("pa-bench-pub-");
  // The last part also carries sample, fallback and meta: leave room for them.
  const { parts, perPart } = partsFor(FAKE_KEYS, PER_PART - 3);
  const builds = await Promise.all(
    ["20261124T120000Z-aaaaaa", "20261125T120000Z-bbbbbb", "20261126T120000Z-cccccc"].map((v) =>
      writeTinyBuild(root, v, parts, perPart, VALUE_BYTES),
    ),
  );
  const target = new CloudflareKv({
    token: TOKEN,
    accountId: "bench",
    namespaceId: "bench",
    baseUrl: fake.url,
  });
  const label = latencyMs ? `fake API, ${latencyMs} ms per request` : "fake API, no latency";
  const keysOf = (i: number) => builds[i].pairs.length + 1;
  const run = async (what: string, i: number, keys: number, sent: number) => {
    const before = fake.requests.length;
    const seconds = await timed(builds[i].dir, target);
    rows.push({
      target: `${label}: ${what}`,
      keys,
      parts: sent,
      seconds,
      requests: fake.requests.length - before,
    });
  };
  await run("first publish (empty namespace)", 0, keysOf(0), parts);
  await timed(builds[1].dir, target);
  await run("next publish (deletes the oldest version)", 2, keysOf(2), parts);
  await run("same build again (all parts resumed)", 2, 1, 0);
  await fake.close();
  rmSync(root, { recursive: true, force: true });
}

async function benchLocal(rows: Row[]): Promise<void> {
  const root = tempDir("pa-bench-pub-local-");
  const { parts, perPart } = partsFor(LOCAL_KEYS, 1_000);
  const build = await writeTinyBuild(root, "20261126T120000Z-cccccc", parts, perPart, VALUE_BYTES);
  const target = await openLocalTarget("bench-publish", join(root, "kv"));
  try {
    const seconds = await timed(build.dir, target);
    rows.push({
      target: "local KV (Miniflare, as wrangler dev reads it)",
      keys: build.pairs.length + 1,
      parts,
      seconds,
    });
  } finally {
    await target.close();
    rmSync(root, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  await benchFake(0, rows);
  await benchFake(50, rows);
  await benchLocal(rows);
  const n = (x: number) => Math.round(x).toLocaleString("en-US");
  const md = [
    "## Publish throughput",
    "",
    `Command: \`npm run bench:publish\` (BENCH_FAKE_KEYS=${FAKE_KEYS}, BENCH_LOCAL_KEYS=${LOCAL_KEYS}), values of ~${VALUE_BYTES.toLocaleString("en-US")} bytes.`,
    `Machine: ${machineLine()}. Figures taken while other work shared the CPU (load average ${loadavg()[0].toFixed(1)} at the end); re-run alone for clean numbers.`,
    "",
    "Each publish is the whole path: validate every part (hashes, key and value limits), upload, read a sample back, switch `meta/current`, retention.",
    "The fake API runs in the same process; with no latency the figure is the client's own cost (validation, hashing, JSON, HTTP), with 50 ms per request it adds a network.",
    "`keys/s` counts keys written over the whole command (validation, read-back, switch and retention included).",
    "A real account is bounded by its API budget instead: 1,200 requests / 5 min at 10,000 keys per bulk request is at most ~40,000 keys/s, and real bulk writes take seconds each.",
    "",
    table(
      ["target", "keys", "bulk parts", "seconds", "keys/s", "requests"],
      rows.map((r) => [
        r.target,
        n(r.keys),
        r.parts,
        r.seconds.toFixed(2),
        r.parts ? n(r.keys / r.seconds) : "-",
        r.requests === undefined ? "-" : r.requests,
      ]),
    ),
  ].join("\n");
  writeBenchSection("publish", md);
  process.stdout.write(`${md}\n`);
}

main().catch((err: Error) => {
  process.stderr.write(`bench-publish: ${err.message}\n`);
  process.exit(1);
});
