// What a target holds: the live pointer, and every version found under `v/` with its
// key count. Listing is the only way to see keys an interrupted publish left behind,
// and it costs one request per 1,000 keys (paced by the target like any other request).
import { keys, POINTER_KEY, versionOfKey, type BuildMeta, type Pointer } from "../../worker/contract.js";
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
  return [...counts].map(([version, n]) => ({ version, keys: n })).sort((a, b) => (a.version < b.version ? -1 : 1));
}

/** Deletes every key of one version (listed first, then bulk-deleted 10,000 at a time). */
export async function deleteVersion(target: KvTarget, version: string): Promise<number> {
  const names = await target.listKeys(keys.versionPrefix(version));
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
  };
}
