// Reads of the KV contract through the isolate cache: the pointer and the versioned
// values. Keys come only from contract.ts, and only after the inputs were validated.

import { IsolateCache } from "./cache.js";
import type { Config } from "./config.js";
import { isValidVersion, POINTER_KEY, type Pointer } from "./contract.js";
import { kvUnavailable, noModel } from "./errors.js";

// ~16 M characters: a few thousand hot audiences, well inside an isolate's 128 MB.
const cache = new IsolateCache(16_000_000);

/** Test hook: forget everything the isolate cached. */
export function resetStoreCache(): void {
  cache.clear();
}

export function storeCacheStats() {
  return cache.stats();
}

/** Which KV namespace a cached key came from: tests and benchmarks swap bindings. */
const namespaces = new WeakMap<KVNamespace, string>();
let nextNamespace = 0;
function scope(kv: KVNamespace): string {
  let id = namespaces.get(kv);
  if (id === undefined) {
    id = `${nextNamespace++}:`;
    namespaces.set(kv, id);
  }
  return id;
}

async function kvGet(kv: KVNamespace, key: string, cacheTtl: number): Promise<string | null> {
  try {
    return await kv.get(key, { type: "text", cacheTtl });
  } catch {
    throw kvUnavailable();
  }
}

/**
 * A value the isolate holds fresh (possibly null), or undefined: lets the hot path skip
 * the promise machinery of readValue when nothing needs to be read.
 */
export function cachedValue(kv: KVNamespace, key: string): string | null | undefined {
  return cache.peek(scope(kv) + key, Date.now());
}

/** One value, from the isolate cache when fresh. */
export async function readValue(
  kv: KVNamespace,
  config: Config,
  key: string,
  cacheTtl = config.valueKvCacheTtl,
): Promise<string | null> {
  const now = Date.now();
  const cacheKey = scope(kv) + key;
  const hit = cache.get(cacheKey, now);
  if (hit !== undefined) return hit;
  const value = await kvGet(kv, key, cacheTtl);
  if (config.cacheTtlMs > 0) cache.set(cacheKey, value, now + config.cacheTtlMs);
  return value;
}

/**
 * Many values at once: cached ones from memory, the rest in one KV bulk get (a Map)
 * where the runtime has it, else one get per key. At most 100 keys per call (KV's limit).
 */
export async function readValues(
  kv: KVNamespace,
  config: Config,
  keys: string[],
): Promise<Map<string, string | null>> {
  const now = Date.now();
  const prefix = scope(kv);
  const found = new Map<string, string | null>();
  const absent = new Set<string>();
  for (const key of keys) {
    if (found.has(key) || absent.has(key)) continue;
    const hit = cache.get(prefix + key, now);
    if (hit === undefined) absent.add(key);
    else found.set(key, hit);
  }
  const missing = [...absent];
  if (missing.length > 0) {
    let fetched: unknown;
    try {
      fetched = await kv.get(missing, { type: "text", cacheTtl: config.valueKvCacheTtl });
    } catch {
      throw kvUnavailable();
    }
    const bulk = fetched instanceof Map ? (fetched as Map<string, string | null>) : undefined;
    for (const key of missing) {
      const value = bulk ? (bulk.get(key) ?? null) : await kvGet(kv, key, config.valueKvCacheTtl);
      found.set(key, value);
      if (config.cacheTtlMs > 0) cache.set(prefix + key, value, now + config.cacheTtlMs);
    }
  }
  return found;
}

/** The live pointer, or null when nothing is published (or it is unreadable). */
export async function readPointer(kv: KVNamespace, config: Config): Promise<Pointer | null> {
  const text = await readValue(kv, config, POINTER_KEY, config.pointerKvCacheTtl);
  if (!text) return null;
  return parsePointer(text);
}

// Parsed pointers by their text, so a cached pointer is parsed once, not per request.
let lastPointer: { text: string; pointer: Pointer | null } | undefined;
function parsePointer(text: string): Pointer | null {
  if (lastPointer?.text === text) return lastPointer.pointer;
  let pointer: Pointer | null = null;
  try {
    const value = JSON.parse(text) as Partial<Pointer>;
    if (
      // The version becomes part of every key read after it: only the contract's shape.
      typeof value.version === "string" &&
      isValidVersion(value.version) &&
      Array.isArray(value.variants) &&
      value.variants.length > 0 &&
      value.variants.every((v) => Number.isInteger(v) && v > 0)
    ) {
      pointer = value as Pointer;
    }
  } catch {
    pointer = null;
  }
  lastPointer = { text, pointer };
  return pointer;
}

/** The live pointer when the isolate holds it fresh and valid, else undefined (then use requirePointer). */
export function cachedPointer(kv: KVNamespace): Pointer | undefined {
  const text = cachedValue(kv, POINTER_KEY);
  return text ? (parsePointer(text) ?? undefined) : undefined;
}

export async function requirePointer(kv: KVNamespace, config: Config): Promise<Pointer> {
  const pointer = await readPointer(kv, config);
  if (!pointer) throw noModel();
  return pointer;
}

export function maxVariant(pointer: Pointer): number {
  return Math.max(...pointer.variants);
}
