// `npm start`: sample data → build → local KV → worker on http://127.0.0.1:8787.
// Every step is skipped when its result is already there, so a second start with the
// same input takes seconds.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { defaultConfig } from "../pipeline/config.js";
import { generate } from "../pipeline/generate/generate.js";
import { resolveInputs } from "../pipeline/ingest/sources.js";
import { createProgress, formatCount } from "../pipeline/progress.js";
import { openLocalTarget } from "../pipeline/publish/local.js";
import { publish, readPart, readPointer } from "../pipeline/publish/publish.js";
import { namespaceIdFromWranglerToml } from "../pipeline/publish/wrangler-config.js";
import { build, buildFingerprint, buildsDir, findBuildByFingerprint } from "../pipeline/serialize/build.js";
import { readManifest } from "../pipeline/serialize/manifest.js";

const OUT = "out";
const SAMPLE = process.env.START_INPUT ?? join(OUT, "sample.csv");
// Sized so the first run (local KV takes ~500-1,000 writes/s here) stays under 2 minutes.
const SAMPLE_ROWS = Number(process.env.START_ROWS ?? 8000);
const HOST = "127.0.0.1";
const PORT = Number(process.env.PORT ?? 8787);

function log(line: string): void {
  process.stdout.write(`[start] ${line}\n`);
}

async function main(): Promise<void> {
  process.env.WRANGLER_SEND_METRICS = "false";
  if (!existsSync(SAMPLE)) {
    log(`no input at ${SAMPLE}: generating a sample of ${formatCount(SAMPLE_ROWS)} rows`);
    await generate({ rows: SAMPLE_ROWS, seed: 1, out: SAMPLE });
  }
  const config = defaultConfig();
  const files = await resolveInputs([SAMPLE]);
  const fingerprint = await buildFingerprint(files, config);
  let manifest = await findBuildByFingerprint(OUT, fingerprint);
  if (manifest) {
    log(`input unchanged: reusing build ${manifest.version}`);
  } else {
    log(`building audiences from ${SAMPLE}`);
    manifest = (await build({ inputs: files, outDir: OUT, config })).manifest;
    log(
      `built ${manifest.version}: ${formatCount(manifest.counts.products)} products, ${formatCount(manifest.counts.keys)} keys`,
    );
  }
  const target = await openLocalTarget(namespaceIdFromWranglerToml());
  try {
    const live = await readPointer(target);
    if (live?.version === manifest.version) {
      log(`local KV already serves ${manifest.version}`);
    } else {
      log(`publishing ${manifest.version} to local KV (${formatCount(manifest.counts.keys)} keys)`);
      const progress = createProgress({ label: "publish", unit: "keys", stream: process.stdout });
      await publish(join(buildsDir(OUT), manifest.version), target, {
        onProgress: ({ keysDone, keysTotal }) => progress.update(keysDone, keysTotal),
      });
      progress.stop();
    }
  } finally {
    await target.close();
  }

  const sample = manifest.pointer.products > 0 ? await firstSampleProduct(manifest.version) : undefined;
  const base = `http://${HOST}:${PORT}`;
  log("starting the worker (wrangler dev); try:");
  for (const path of [
    "/",
    "/health",
    `/recommend/${sample ?? "<product_id>"}?n=10`,
    "/products/sample?n=5",
    "/metrics",
  ]) {
    log(`  ${base}${path}`);
  }
  const child = spawn("npx", ["wrangler", "dev", "--ip", HOST, "--port", String(PORT)], { stdio: "inherit" });
  const stop = () => child.kill("SIGINT");
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  child.on("exit", (code) => process.exit(code ?? 0));
}

async function firstSampleProduct(version: string): Promise<string | undefined> {
  const dir = join(buildsDir(OUT), version);
  const m = await readManifest(dir);
  const last = await readPart(dir, m.parts[m.parts.length - 1].file);
  const sample = last.find((p) => p.key.endsWith("/sample"));
  return sample ? String((JSON.parse(sample.value) as unknown[])[0]) : undefined;
}

main().catch((err: Error) => {
  process.stderr.write(`[start] error: ${err.message}\n`);
  process.exit(1);
});
