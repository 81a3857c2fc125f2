// Publish a build: validate all of it, upload every versioned key (skipping parts a
// previous run already confirmed), read a sample back, and only then write the pointer.
// Until the pointer moves, the live version is untouched; after it moves, old versions
// beyond the retention count are deleted.
import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { keys, POINTER_KEY } from "../../worker/contract.js";
import { RunError, UsageError } from "../errors.js";
import { type KvPair, type Manifest, partChecksum, readManifest } from "../serialize/manifest.js";
import { Checkpoint } from "./checkpoint.js";
import { inParallel } from "./in-parallel.js";
import { recordPublished } from "./publish-order.js";
import { applyRetention, type RetentionPlan } from "./retention.js";
import type { KvTarget } from "./target.js";
import { type CheckedPart, type SampleKey, sha256, validateBuild } from "./validate.js";
import { readPointer } from "./versions.js";

export { readPointer } from "./versions.js";

/** At most this many keys are read back before the switch (reads count against the API budget too). */
const MAX_READ_BACK = 200;

export interface PublishProgress {
  keysDone: number;
  keysTotal: number;
}

export interface PublishOptions {
  onProgress?: (p: PublishProgress) => void;
  /** Lines worth telling the user (resumed parts, retention), not errors. */
  onNote?: (line: string) => void;
  /** Keep this many versions after the switch; undefined = delete nothing. */
  retainVersions?: number;
}

export interface PublishResult {
  manifest: Manifest;
  previous?: string;
  partsSkipped: number;
  partsSent: number;
  retention?: RetentionPlan & { error?: string };
  /** The switch happened, but recording the publish order (for rollback) failed. */
  publishOrderError?: string;
}

export async function readPart(buildDir: string, file: string, expectedChecksum?: string): Promise<KvPair[]> {
  const buf = await readFile(join(buildDir, file));
  if (expectedChecksum && (await partChecksum(buf)) !== expectedChecksum) {
    throw new UsageError(
      `${file}: content does not match the manifest hash (build directory changed or corrupt)`,
    );
  }
  return JSON.parse(buf.toString("utf8")) as KvPair[];
}

/** Samples whose stored value is missing or differs, read `limit` at a time. */
async function mismatches(target: KvTarget, samples: SampleKey[]): Promise<SampleKey[]> {
  const bad: SampleKey[] = [];
  await inParallel(samples, 8, async (s) => {
    const value = await target.get(s.key);
    if (value === null || sha256(value) !== s.valueSha256) bad.push(s);
  });
  return bad;
}

/** Evenly spread, so a long build is sampled from end to end. */
function spread<T>(items: T[], max: number): T[] {
  if (items.length <= max) return items;
  return Array.from({ length: max }, (_, i) => items[Math.floor((i * items.length) / max)]);
}

function partsOf(parts: CheckedPart[], bad: SampleKey[]): CheckedPart[] {
  const keysBad = new Set(bad.map((s) => s.key));
  return parts.filter((p) => p.samples.some((s) => keysBad.has(s.key)));
}

export async function publish(
  buildDir: string,
  target: KvTarget,
  options: PublishOptions = {},
): Promise<PublishResult> {
  const note = options.onNote ?? (() => {});
  const manifest = await readManifest(buildDir);
  const parts = await validateBuild(buildDir, manifest);
  const version = manifest.version;
  const checkpoint = await Checkpoint.open(buildDir, version, target.identity);
  const keysTotal = manifest.counts.keys;
  const liveBefore = (await readPointer(target))?.version;
  const untouched = `the live version was not switched (still ${liveBefore ?? "nothing published"})`;

  // A confirmed part counts only while its keys are still there: another publish's
  // retention may have removed an unfinished version since.
  let skipped = parts.filter((p) => checkpoint.isConfirmed(p.file, p.xxh128));
  if (skipped.length > 0) {
    const gone = partsOf(
      skipped,
      await mismatches(
        target,
        skipped.flatMap((p) => p.samples),
      ),
    );
    if (gone.length > 0) {
      await checkpoint.forget(gone.map((p) => p.file));
      note(
        `${gone.length} part(s) confirmed earlier are no longer complete on the target: sending them again`,
      );
    }
    skipped = skipped.filter((p) => !gone.includes(p));
    if (skipped.length > 0)
      note(`resuming: ${skipped.length} of ${parts.length} part(s) already confirmed on this target`);
  }
  const todo = parts.filter((p) => !skipped.includes(p));
  let keysDone = skipped.reduce((n, p) => n + p.pairs, 0);
  options.onProgress?.({ keysDone, keysTotal });

  try {
    await inParallel(todo, target.partConcurrency, async (part) => {
      const buf = await readFile(join(buildDir, part.file));
      if ((await partChecksum(buf)) !== part.xxh128)
        throw new UsageError(`${part.file} changed while publishing: nothing more was written`);
      const pairs = JSON.parse(buf.toString("utf8")) as KvPair[];
      let reported = 0;
      let lastReport = 0;
      await target.putBulk(pairs, buf, (n) => {
        reported += n;
        keysDone += n;
        // A key-by-key target calls this per key: tell the progress line a few times a second at most.
        const now = Date.now();
        if (now - lastReport >= 200) {
          lastReport = now;
          options.onProgress?.({ keysDone, keysTotal });
        }
      });
      await checkpoint.confirm(part.file, part.xxh128);
      keysDone += pairs.length - reported;
      options.onProgress?.({ keysDone, keysTotal });
    });
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const confirmed = parts.filter((p) => checkpoint.isConfirmed(p.file, p.xxh128)).length;
    throw new RunError(
      `upload of ${version} to ${target.name} failed: ${(err as Error).message}; ${untouched}. ` +
        `${confirmed} of ${parts.length} part(s) are confirmed: run the same command again to resume`,
    );
  }

  // Read back what this run sent (skipped parts were checked above), the meta always.
  const metaKey = keys.meta(version);
  const sent = todo.flatMap((p) => p.samples);
  const metaSample = parts.flatMap((p) => p.samples).find((s) => s.key === metaKey);
  const toCheck = spread(sent, MAX_READ_BACK);
  if (metaSample && !toCheck.includes(metaSample)) toCheck.push(metaSample);
  const bad = await mismatches(target, toCheck);
  if (bad.length > 0) {
    await checkpoint.forget(partsOf(parts, bad).map((p) => p.file));
    throw new RunError(
      `read-back failed: ${bad.length} of ${toCheck.length} sampled key(s) are missing or differ (first: ${bad[0].key}); ${untouched}. ` +
        `Run the same command again to send those parts again`,
    );
  }

  // The switch. Re-read the pointer: retention must spare what was live a moment ago.
  const previous = (await readPointer(target))?.version;
  try {
    await target.putBulk([{ key: POINTER_KEY, value: JSON.stringify(manifest.pointer) }]);
  } catch (err) {
    throw new RunError(
      `switching ${POINTER_KEY} to ${version} failed: ${(err as Error).message}; every key is uploaded, run the same command again to switch`,
    );
  }
  await checkpoint.switched(new Date());
  const result: PublishResult = { manifest, previous, partsSkipped: skipped.length, partsSent: todo.length };
  try {
    await recordPublished(target, version);
  } catch (err) {
    result.publishOrderError = (err as Error).message;
  }

  // Re-publishing the live version changes nothing, so there is nothing new to clean up
  // (and finding old versions without a previous one to anchor on means listing every key).
  if (options.retainVersions !== undefined && previous === version) {
    note(`${version} was already live: retention left as it was`);
  } else if (options.retainVersions !== undefined) {
    result.retention = await applyRetention(target, {
      live: version,
      previous,
      retain: options.retainVersions,
      buildsRoot: dirname(resolve(buildDir)),
      note,
    });
  }
  return result;
}
