// `audience build`: ingest → score → rank → serialize into out/builds/<version>/.
// The directory is written under a temporary name and renamed when complete, so a
// crashed build never looks like a finished one.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type BuildMeta, formatVersion, keys, type Pointer, searchBuckets } from "../../worker/contract.js";
import type { Config } from "../config.js";
import { UsageError } from "../errors.js";
import { type DateWindow, plausibleWindow } from "../ingest/dates.js";
import { type Interactions, ingest } from "../ingest/ingest.js";
import type { Accounting } from "../ingest/reasons.js";
import { resolveInputs } from "../ingest/sources.js";
import { groupAndScore, rank } from "../model/rank.js";
import { eachRetargetBatch, RETARGET_BATCH_PRODUCTS, type RetargetOptions } from "../model/retarget.js";
import { RESTART } from "../model/types.js";
import { BUILD_FORMAT, MANIFEST_FILE, type Manifest, readManifest } from "./manifest.js";
import { decideIdType, packIds, type ResponseContext, sampleNamesPair, samplePair } from "./serialize.js";
import { SerializeThread } from "./serialize-client.js";
import type { ThreadResult } from "./serialize-protocol.js";

/** Each build's rejected rows, in its folder (and in OUT/ when a build keeps no row). */
export const REJECTED_CSV = "rejected.csv";

export interface BuildOptions {
  inputs: string[];
  outDir: string;
  config: Config;
  suppressFile?: string;
  now?: Date;
  /** Extra figures for the meta (stats, evaluation summaries). */
  extraMeta?: (
    data: Interactions,
  ) => Promise<Pick<BuildMeta, "stats" | "evaluation">> | Pick<BuildMeta, "stats" | "evaluation">;
  onStage?: (stage: string, detail?: string) => void;
  onProgress?: (stage: string, done: number, total?: number) => void;
  /**
   * Retarget audiences per message to the serialize thread, and ranked products between two
   * such messages (default RETARGET_BATCH_PRODUCTS; tests make it small to see them interleave).
   */
  retargetBatch?: number;
}

export interface BuildResult {
  version: string;
  dir: string;
  manifest: Manifest;
  /** The ingest's row accounting, the plausible-date window it used, and where rejected.csv is. */
  accounting: Accounting;
  window?: DateWindow;
  rejectedPath: string;
  /** Wall-clock seconds per stage. */
  seconds: Record<string, number>;
  /** CPU seconds (user + system) per stage: comparable across runs on a busy machine. */
  cpuSeconds: Record<string, number>;
  /**
   * Whether the ranking's single pass (its guess that the exposure cap never binds) was
   * thrown away and the build ranked again, fairly, from the first product (rank.ts).
   */
  restarted: boolean;
  /**
   * Product rankings the build did: one per product when the exposure cap never binds, two or
   * more when it does (a top-10 pass to assign capped customers by fit, then the real pass,
   * after any single pass the cap undid). Cost grows with it.
   */
  rankings: number;
}

async function hashFile(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** Same inputs + config + suppression list + format → same fingerprint. */
export async function buildFingerprint(
  files: string[],
  config: Config,
  suppressFile?: string,
): Promise<string> {
  const hash = createHash("sha256");
  hash.update(`format:${BUILD_FORMAT}\n`);
  hash.update(JSON.stringify(config));
  for (const f of files) hash.update(`\n${await hashFile(f)}`);
  if (suppressFile) hash.update(`\nsuppress:${await hashFile(suppressFile)}`);
  return hash.digest("hex");
}

export function buildsDir(outDir: string): string {
  return join(outDir, "builds");
}

/** Completed builds, newest first (versions sort by build time). */
export async function listBuilds(outDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(buildsDir(outDir));
  } catch {
    return [];
  }
  return names
    .filter((n) => !n.startsWith("."))
    .sort()
    .reverse();
}

export async function findBuildByFingerprint(
  outDir: string,
  fingerprint: string,
): Promise<Manifest | undefined> {
  for (const name of await listBuilds(outDir)) {
    try {
      const manifest = await readManifest(join(buildsDir(outDir), name));
      if (manifest.fingerprint === fingerprint) return manifest;
    } catch {
      // An unreadable build is simply not reusable.
    }
  }
  return undefined;
}

export async function readSuppressList(file: string): Promise<Set<string>> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new UsageError(`suppression file not found or unreadable: ${file}`);
  }
  const ids = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const id = line.trim();
    if (id && !id.startsWith("#")) ids.add(id);
  }
  return ids;
}

export async function build(options: BuildOptions): Promise<BuildResult> {
  // Started first: the thread loads its modules while this one ingests.
  const thread = new SerializeThread();
  const work: { dir?: string } = {};
  try {
    const result = await buildWith(thread, options, work);
    // Tearing down a thread that held the build's values is not free at scale: time it.
    const t0 = performance.now();
    await thread.terminate();
    result.seconds.terminate = (performance.now() - t0) / 1000;
    return result;
  } catch (err) {
    // A failed build leaves nothing under builds/ (when every row was rejected,
    // rejected.csv has moved to OUT/rejected.csv first).
    if (work.dir) await rm(work.dir, { recursive: true, force: true });
    throw err;
  } finally {
    await thread.terminate();
  }
}

async function buildWith(
  thread: SerializeThread,
  options: BuildOptions,
  work: { dir?: string },
): Promise<BuildResult> {
  const { config } = options;
  const seconds: Record<string, number> = {};
  const cpuSeconds: Record<string, number> = {};
  const cpuNow = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  // A stage may run in several steps (the hand-offs): its figures add up.
  const clockOne = (stage: string) => {
    const t0 = performance.now();
    const c0 = cpuNow();
    return () => {
      seconds[stage] = (seconds[stage] ?? 0) + (performance.now() - t0) / 1000;
      cpuSeconds[stage] = (cpuSeconds[stage] ?? 0) + cpuNow() - c0;
    };
  };
  // "stage.part" also adds to "stage": the parts of a stage say where its time went.
  const clock = (stage: string) => {
    const stops = [clockOne(stage), ...(stage.includes(".") ? [clockOne(stage.split(".")[0])] : [])];
    return () => {
      for (const stop of stops) stop();
    };
  };
  const timed = async <T>(stage: string, work: () => Promise<T> | T): Promise<T> => {
    options.onStage?.(stage);
    const stop = clock(stage);
    const result = await work();
    stop();
    return result;
  };

  const files = await resolveInputs(options.inputs);
  const suppress = options.suppressFile ? await readSuppressList(options.suppressFile) : undefined;
  const fingerprint = await timed("fingerprint", () => buildFingerprint(files, config, options.suppressFile));
  const now = options.now ?? new Date();
  const version = formatVersion(now, fingerprint);
  const generatedAt = now.toISOString().replace(/\.\d{3}Z$/, "Z");
  const finalDir = join(buildsDir(options.outDir), version);
  const workDir = join(buildsDir(options.outDir), `.${version}.partial`);
  await rm(workDir, { recursive: true, force: true });
  try {
    await mkdir(workDir, { recursive: true });
  } catch (err) {
    throw new UsageError(`cannot create ${workDir}: ${(err as Error).message}`);
  }
  work.dir = workDir;
  // Everything that holds the log and the model lives in rankAndWrite, so none of it stays
  // reachable while the serialize thread finishes.
  const { meta, accounting, restarted, rankings } = await rankAndWrite(thread, options, {
    files,
    suppress,
    fingerprint,
    now,
    version,
    generatedAt,
    workDir,
    timed,
    clock,
    seconds,
  });
  const result: ThreadResult = await timed("finish", () => thread.finish());
  seconds["serialize.render"] = result.renderSeconds;
  seconds["serialize.explain"] = result.explainSeconds;
  seconds["serialize.write"] = result.writeSeconds;
  if (result.keys !== meta.counts.keys)
    throw new Error(`serialize thread wrote ${result.keys} keys, expected ${meta.counts.keys}`);

  const pointer: Pointer = {
    version,
    generated_at: generatedAt,
    variants: config.variants,
    products: meta.counts.products,
    id_type: meta.id_type,
    ...(meta.search_cut ? { search_cut: meta.search_cut } : {}),
  };
  const manifest: Manifest = {
    format: BUILD_FORMAT,
    version,
    generated_at: generatedAt,
    fingerprint,
    id_type: meta.id_type,
    variants: config.variants,
    counts: { ...meta.counts, keys: result.keys, bytes: result.bytes },
    file_bytes: result.fileBytes,
    parts: result.parts,
    pointer,
  };
  await writeFile(join(workDir, "meta.json"), JSON.stringify(meta, null, 2));
  await writeFile(join(workDir, MANIFEST_FILE), JSON.stringify(manifest, null, 2));
  await rm(finalDir, { recursive: true, force: true });
  await rename(workDir, finalDir);
  return {
    version,
    dir: finalDir,
    manifest,
    accounting,
    window: plausibleWindow(config, now),
    rejectedPath: join(finalDir, REJECTED_CSV),
    seconds,
    cpuSeconds,
    restarted,
    rankings,
  };
}

interface BuildSetting {
  files: string[];
  suppress: Set<string> | undefined;
  fingerprint: string;
  now: Date;
  version: string;
  generatedAt: string;
  workDir: string;
  timed: <T>(stage: string, work: () => Promise<T> | T) => Promise<T>;
  /** Starts timing a step of a stage; the returned function stops it. */
  clock: (stage: string) => () => void;
  seconds: Record<string, number>;
}

/** Ingest, rank, and hand every value but the search index to the thread; ends by sending the meta. */
async function rankAndWrite(
  thread: SerializeThread,
  options: BuildOptions,
  setting: BuildSetting,
): Promise<{ meta: BuildMeta; accounting: Accounting; restarted: boolean; rankings: number }> {
  const { config } = options;
  const { files, suppress, fingerprint, now, version, generatedAt, workDir, timed, clock, seconds } = setting;
  const data = await timed("ingest", () =>
    ingest(files, {
      config,
      now,
      rejectedPath: join(workDir, REJECTED_CSV),
      onProgress: (rows) => options.onProgress?.("ingest", rows),
    }),
  );
  if (data.count === 0) {
    const kept = join(options.outDir, REJECTED_CSV);
    await rm(kept, { force: true });
    await rename(join(workDir, REJECTED_CSV), kept);
    throw new UsageError(`no usable rows in the input: nothing to build (every row rejected: see ${kept})`);
  }
  // The hand-offs to the serialize thread (here, before the product loop, and the search
  // index's cut after it) copy every id and name at least once: timed in parts, so that a
  // build's wall time is all in named stages.
  const handOff = <T>(part: string, work: () => T): T => {
    const stop = clock(`handoff.${part}`);
    try {
      return work();
    } finally {
      stop();
    }
  };
  const idType = handOff("idType", () =>
    data.integerIds ? "number" : decideIdType(data.customers, data.products),
  );
  handOff("products", () => thread.products(data.products, data.latestNames, data.productNames));
  // The serialize thread builds the search index while this one prepares the ranking.
  handOff("search", () =>
    thread.search({
      dir: workDir,
      version,
      idType,
      product: data.product,
      customer: data.customer,
      count: data.count,
    }),
  );
  // The thread tokenizes the product names meanwhile (serialize-thread.ts, products).
  const grouped = await timed("prepare", () => groupAndScore(data, config));
  const stopTokens = clock("handoff.tokens");
  const tokens = await thread.nameTokens;
  stopTokens();
  const ranking = await timed("prepare", () => rank(data, config, { suppress, grouped, tokens }));
  const extra = options.extraMeta ? await timed("evaluate", () => options.extraMeta!(data)) : undefined;

  const ctx: ResponseContext = {
    version,
    generatedAt,
    idType,
    variants: config.variants,
    customerIds: ranking.customerIds,
  };
  // Rendering and writing run on a second thread while this one ranks (serialize-thread.ts),
  // in the same order as the ranking, so the bulk files are what one thread would write.
  let rankMs = 0;
  let evidenceMs = 0;
  let written = 0;
  let retargetProducts = 0;
  let restarted = false;
  handOff("customers", () => {
    // ranking.customerIds[k] is data.customers[customerOf[k]]: read in the ingest's order.
    const customerIds = packIds(data.customers, ranking.rankingIndex);
    thread.init({ dir: workDir, version, generatedAt, idType, variants: ctx.variants, customerIds }, ctx);
  });
  // Reasons are found on the serialize thread, from what each ranking round leaves (reasons.ts).
  handOff("reasons", () => thread.reasons(ranking.reasonsInput(idType)));
  // Retarget audiences go to the thread a batch at a time among the ranked audiences (one
  // batch per retargetBatch products ranked, so they are all sent before the ranking
  // ends): sent all at once up front, the thread's rendering of them held this thread back
  // (~30 s at 20M rows).
  let retargetMs = 0;
  const retargetBatch = options.retargetBatch ?? RETARGET_BATCH_PRODUCTS;
  const retargetBatches = () =>
    sendRetargetAudiences(thread, data, ranking.rankingIndex, retargetBatch, {
      maxN: Math.max(...ctx.variants),
      recencyDecayDays: config.recencyDecayDays,
      suppress,
      now: ranking.newest,
      byProduct: ranking.byProduct,
    });
  let retarget = retargetBatches();
  const sendRetarget = async () => {
    const t0 = performance.now();
    const step = await retarget.next();
    if (!step.done) retargetProducts += step.value;
    retargetMs += performance.now() - t0;
    return !step.done;
  };
  await timed("serialize", async () => {
    const audiences = ranking.restartableAudiences();
    for (;;) {
      const t0 = performance.now();
      const step = audiences.next();
      rankMs += performance.now() - t0;
      if (step.done) break;
      if (step.value === RESTART) {
        // The exposure cap binds after all (rank.ts): what was written is void.
        await thread.restart();
        written = 0;
        restarted = true;
        retarget = retargetBatches();
        retargetProducts = 0;
        continue;
      }
      const [p, audience] = step.value;
      const t1 = performance.now();
      const evidence = ranking.evidence(p, audience);
      evidenceMs += performance.now() - t1;
      await thread.add(p, audience, evidence);
      if (++written % 2000 === 0) options.onProgress?.("serialize", written, ranking.productCount);
      if (written % retargetBatch === 0) await sendRetarget();
    }
    while (await sendRetarget());
    options.onProgress?.("serialize", ranking.productCount, ranking.productCount);
    await thread.fallback(ranking.fallback);
    const sampled = sampleProducts(data);
    const sample = samplePair(ctx, sampled);
    await thread.pair(sample.key, sample.value);
    const names = sampleNamesPair(ctx, sampled, data);
    await thread.pair(names.key, names.value);
  });
  // Where the serialize stage went: ranking each product and taking its reasons' evidence,
  // rendering and explaining batches itself while the thread was behind, waiting for it
  // (this thread); rendering its values, finding its reasons and writing them into hashed bulk
  // files (the serialize thread, at the same time).
  seconds["serialize.retarget"] = retargetMs / 1000;
  seconds["serialize.rank"] = rankMs / 1000;
  seconds["serialize.evidence"] = evidenceMs / 1000;
  seconds["serialize.help"] = thread.helpMs / 1000;
  seconds["serialize.wait"] = thread.waitMs / 1000;

  // The worker routes search by the index's cut prefixes: the meta (for a rollback) and the
  // pointer carry them. The serialize thread worked them out with the index.
  const stopCut = clock("handoff.searchCut");
  const searchCutPrefixes = await thread.searchCut;
  stopCut();
  const meta: BuildMeta = {
    version,
    generated_at: generatedAt,
    id_type: idType,
    variants: config.variants,
    counts: {
      products: data.products.length,
      customers: data.customers.length,
      // Every product and the fallback in each variant, each product's reasons, the sample
      // list and its names, the search index's buckets, this meta, and one key per product
      // with a retarget audience.
      keys:
        (written + 1) * ctx.variants.length +
        written +
        3 +
        searchBuckets(data.products.length) +
        retargetProducts,
      suppressed_customers: ranking.suppressedCustomers,
      retarget_products: retargetProducts,
    },
    ...(searchCutPrefixes.length > 0 ? { search_cut: searchCutPrefixes } : {}),
    config,
    stats: extra?.stats ?? { ingest: data.accounting },
    evaluation: extra?.evaluation ?? null,
    input: { files, hash: fingerprint },
  };
  await thread.pair(keys.meta(version), JSON.stringify(meta));
  return { meta, accounting: data.accounting, restarted, rankings: ranking.rankings() };
}

/**
 * Every product's retarget audience, to the thread in bounded messages (one per step),
 * customers renumbered as the ranking numbers them (the thread's renderer knows their ids
 * in that order). Each step yields how many products its message held.
 */
async function* sendRetargetAudiences(
  thread: SerializeThread,
  data: Interactions,
  rankingIndex: Int32Array,
  batchProducts: number,
  options: RetargetOptions,
): AsyncGenerator<number> {
  for (const batch of eachRetargetBatch(data, options, batchProducts)) {
    const { products, offsets, customers, scores } = batch;
    for (let i = 0; i < customers.length; i++) customers[i] = rankingIndex[customers[i]];
    // Counted before sending: the message transfers (detaches) the arrays.
    const count = products.length;
    await thread.retarget({ products, offsets, customers, scores });
    yield count;
  }
}

/** The products worth showing first in a demo: the most interacted with, ties by id. */
export function sampleProducts(data: Interactions, limit = 1000): string[] {
  const ids = data.products;
  const counts = new Int32Array(ids.length);
  for (let r = 0; r < data.count; r++) counts[data.product[r]]++;
  const better = (a: number, b: number) =>
    counts[a] > counts[b] || (counts[a] === counts[b] && ids[a] < ids[b]);
  // A heap of the best `limit` so far, worst at the root: most products lose to the root on
  // their count alone, so this is one pass instead of sorting every product (it runs on the
  // build's critical path, and comparing ids made the full sort cost ~0.3 s at 200k products).
  const heap: number[] = [];
  const siftDown = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      if (l >= heap.length) return;
      const worse = l + 1 < heap.length && better(heap[l], heap[l + 1]) ? l + 1 : l;
      if (!better(heap[i], heap[worse])) return;
      [heap[i], heap[worse]] = [heap[worse], heap[i]];
      i = worse;
    }
  };
  for (let p = 0; p < ids.length && limit > 0; p++) {
    if (heap.length < limit) {
      heap.push(p);
      for (let i = heap.length - 1; i > 0; ) {
        const parent = (i - 1) >> 1;
        if (!better(heap[parent], heap[i])) break;
        [heap[i], heap[parent]] = [heap[parent], heap[i]];
        i = parent;
      }
    } else if (better(p, heap[0])) {
      heap[0] = p;
      siftDown(0);
    }
  }
  return heap.sort((a, b) => (better(a, b) ? -1 : 1)).map((p) => ids[p]);
}
