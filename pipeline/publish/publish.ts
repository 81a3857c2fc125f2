// Publish a build: every versioned key first, a read-back check, then the pointer.
// Until the pointer moves, the live version is untouched.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { POINTER_KEY, type Pointer } from "../../worker/contract.js";
import type { KvPair } from "../build/serialize.js";
import { readManifest, type Manifest } from "../build/manifest.js";
import { RunError, UsageError } from "../errors.js";
import type { KvTarget } from "./target.js";

export interface PublishProgress {
  keysDone: number;
  keysTotal: number;
}

export interface PublishOptions {
  onProgress?: (p: PublishProgress) => void;
}

export async function readPart(buildDir: string, file: string, sha256?: string): Promise<KvPair[]> {
  const buf = await readFile(join(buildDir, file));
  if (sha256 && createHash("sha256").update(buf).digest("hex") !== sha256) {
    throw new UsageError(`${file}: content does not match the manifest hash (build directory changed or corrupt)`);
  }
  return JSON.parse(buf.toString("utf8")) as KvPair[];
}

export async function readPointer(target: KvTarget): Promise<Pointer | undefined> {
  const text = await target.get(POINTER_KEY);
  if (!text) return undefined;
  try {
    return JSON.parse(text) as Pointer;
  } catch {
    return undefined;
  }
}

export async function publishBuild(buildDir: string, target: KvTarget, options: PublishOptions = {}): Promise<Manifest> {
  const manifest = await readManifest(buildDir);
  const keysTotal = manifest.counts.keys;
  let keysDone = 0;
  const checks: KvPair[] = [];
  for (const part of manifest.parts) {
    const pairs = await readPart(buildDir, part.file, part.sha256);
    await target.putBulk(pairs);
    checks.push(pairs[0], pairs[pairs.length - 1]);
    keysDone += pairs.length;
    options.onProgress?.({ keysDone, keysTotal });
  }
  for (const pair of checks) {
    const stored = await target.get(pair.key);
    if (stored !== pair.value) {
      throw new RunError(`read-back of ${pair.key} did not match what was written; the live version was not switched`);
    }
  }
  await target.putBulk([{ key: POINTER_KEY, value: JSON.stringify(manifest.pointer) }]);
  return manifest;
}
