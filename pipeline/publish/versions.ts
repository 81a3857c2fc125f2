// What a target holds: the live pointer, and every version found under `v/` with its
// key count. Listing is the only way to see keys an interrupted publish left behind,
// and it costs one request per 1,000 keys (paced by the target like any other request).
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { type BuildMeta, keys, POINTER_KEY, type Pointer, versionOfKey } from "../../worker/contract.js";
import { readManifest } from "../serialize/manifest.js";
import type { KvTarget } from "./target.js";

export interface StoredVersion {
  version: string;
  keys: number;
}

export async function readPointer(target: KvTarget): Promise<Pointer | undefined> {
  const text = await target.get(POINTER_KEY);
  if (!text) return undefined;
  try {
    const pointer = JSON.parse(text) as Pointer;
    return typeof pointer?.version === "string" ? pointer : undefined;
  } catch {
    return undefined;
  }
}

export async function readMeta(target: KvTarget, version: string): Promise<BuildMeta | undefined> {
  const text = await target.get(keys.meta(version));
  if (!text) return undefined;
  try {
    return JSON.parse(text) as BuildMeta;
  } catch {
    return undefined;
  }
}

/** Every version under `v/`, oldest first (versions sort by build time). */
export async function listVersions(target: KvTarget): Promise<StoredVersion[]> {
  const counts = new Map<string, number>();
  for await (const page of target.listPages("v/")) {
    for (const key of page) {
      const version = versionOfKey(key);
      if (version) counts.set(version, (counts.get(version) ?? 0) + 1);
    }
  }
  return [...counts]
    .map(([version, n]) => ({ version, keys: n }))
    .sort((a, b) => (a.version < b.version ? -1 : 1));
}

/** The oldest version under `v/` (keys list in order, versions sort by build time): one small list request. */
export async function oldestVersion(target: KvTarget): Promise<string | undefined> {
  for await (const page of target.listPages("v/", 10)) return page.length ? versionOfKey(page[0]) : undefined;
  return undefined;
}

/**
 * The key names of a version from its build directory, when this machine still has it:
 * deleting by manifest saves one list request per 1,000 keys. Undefined when the build
 * is not there or not readable (then the keys are listed).
 */
async function keysFromBuild(buildsRoot: string | undefined, version: string): Promise<string[] | undefined> {
  if (!buildsRoot) return undefined;
  try {
    const dir = join(buildsRoot, version);
    const manifest = await readManifest(dir);
    if (manifest.version !== version) return undefined;
    const names: string[] = [];
    for (const part of manifest.parts) {
      const pairs = JSON.parse(await readFile(join(dir, part.file), "utf8")) as { key: string }[];
      for (const p of pairs) if (p.key.startsWith(keys.versionPrefix(version))) names.push(p.key);
    }
    return names;
  } catch {
    return undefined;
  }
}

/** Deletes every key of one version, bulk-deleted 10,000 at a time. */
export async function deleteVersion(target: KvTarget, version: string, buildsRoot?: string): Promise<number> {
  const names =
    (await keysFromBuild(buildsRoot, version)) ?? (await target.listKeys(keys.versionPrefix(version)));
  for (let i = 0; i < names.length; i += 10_000) await target.deleteBulk(names.slice(i, i + 10_000));
  return names.length;
}

/** The pointer a version's own meta describes: what a rollback writes. */
export function pointerFromMeta(meta: BuildMeta): Pointer {
  return {
    version: meta.version,
    generated_at: meta.generated_at,
    variants: meta.variants,
    products: meta.counts.products,
    id_type: meta.id_type,
    ...(meta.search_cut ? { search_cut: meta.search_cut } : {}),
  };
}
