// Reads of the KV contract through the isolate's memory. Keys come only from contract.ts,
// and only after the inputs were validated.
//
// Versioned values (`v/<version>/…`) never change once published: they are kept until the
// cache needs the room (cache.ts). The pointer is the one key that changes: it is served
// from memory and, once older than CACHE_TTL_SECONDS, refreshed in the background while
// the current one is still served (stale-while-revalidate, through waitUntil), so no
// request waits for KV once the isolate is warm. Concurrent misses of one key share one
// KV read (single flight), so a cold isolate under load reads each key once.

import { IsolateCache } from "./cache.js";
import type { Config } from "./config.js";
import { isValidVersion, POINTER_KEY, type Pointer } from "./contract.js";
import { kvUnavailable, noModel } from "./errors.js";

/** Hands work that must outlive the response to the runtime (ExecutionContext.waitUntil). */
export type Defer = (work: Promise<unknown>) => void;

// ~16 M characters: a few thousand hot audiences, well inside an isolate's 128 MB.
const cache = new IsolateCache(16_000_000);
/** Reads in flight, by scoped key: a second miss of the same key waits for the first read. */
const inFlight = new Map<string, Promise<string | null>>();

interface PointerState {
  pointer: Pointer | null;
  readAt: number;
}
/** The pointer each namespace was last read as, and when. */
const pointers = new Map<string, PointerState>();
const pointerReads = new Map<string, Promise<Pointer | null>>();

/** Test hook: forget everything the isolate holds. */
export function resetStoreCache(): void {
  cache.clear();
  pointers.clear();
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

/** One read per scoped key at a time: callers that miss together share the promise. */
function sharedRead(scoped: string, read: () => Promise<string | null>): Promise<string | null> {
  let pending = inFlight.get(scoped);
  if (pending === undefined) {
    pending = read().finally(() => inFlight.delete(scoped));
    inFlight.set(scoped, pending);
  }
  return pending;
}

/**
 * One versioned value: synchronously when the isolate holds it (the hot path then needs no
 * promise), else a promise of the KV read, shared with any concurrent miss of the key.
 * CACHE_TTL_SECONDS = 0 turns the isolate cache off: every call reads KV.
 */
export function value(kv: KVNamespace, config: Config, key: string): string | null | Promise<string | null> {
  const scoped = scope(kv) + key;
  if (config.cacheTtlMs === 0) return kvGet(kv, key, config.valueKvCacheTtl);
  const hit = cache.get(scoped);
  if (hit !== undefined) return hit;
  return sharedRead(scoped, async () => {
    const read = await kvGet(kv, key, config.valueKvCacheTtl);
    cache.set(scoped, read);
    return read;
  });
}

export async function readValue(kv: KVNamespace, config: Config, key: string): Promise<string | null> {
  return value(kv, config, key);
}

/**
 * Many values at once: cached ones from memory, the rest in one KV bulk get (a Map) where
 * the runtime has it, else one get per key. At most 100 keys per call (KV's limit).
 */
export async function readValues(
  kv: KVNamespace,
  config: Config,
  keys: string[],
): Promise<Map<string, string | null>> {
  const prefix = scope(kv);
  const useCache = config.cacheTtlMs > 0;
  const found = new Map<string, string | null>();
  const missing = new Set<string>();
  for (const key of keys) {
    if (found.has(key) || missing.has(key)) continue;
    const hit = useCache ? cache.get(prefix + key) : undefined;
    if (hit === undefined) missing.add(key);
    else found.set(key, hit);
  }
  if (missing.size === 0) return found;
  const list = [...missing];
  let fetched: unknown;
  try {
    fetched = await kv.get(list, { type: "text", cacheTtl: config.valueKvCacheTtl });
  } catch {
    throw kvUnavailable();
  }
  const bulk = fetched instanceof Map ? (fetched as Map<string, string | null>) : undefined;
  for (const key of list) {
    const read = bulk ? (bulk.get(key) ?? null) : await kvGet(kv, key, config.valueKvCacheTtl);
    found.set(key, read);
    if (useCache) cache.set(prefix + key, read);
  }
  return found;
}

/** The pointer as the contract shapes it, or null (absent or unreadable). */
function parsePointer(text: string | null): Pointer | null {
  if (!text) return null;
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
      // Search routes by the cut prefixes: anything but a list of strings is read as none.
      if (
        value.search_cut !== undefined &&
        !(Array.isArray(value.search_cut) && value.search_cut.every((x) => typeof x === "string"))
      )
        delete value.search_cut;
      return value as Pointer;
    }
  } catch {
    // Unreadable: as if nothing were published.
  }
  return null;
}

function loadPointer(kv: KVNamespace, config: Config, id: string): Promise<Pointer | null> {
  let pending = pointerReads.get(id);
  if (pending === undefined) {
    const readAt = Date.now();
    pending = kvGet(kv, POINTER_KEY, config.pointerKvCacheTtl)
      .then((text) => {
        const pointer = parsePointer(text);
        if (config.cacheTtlMs > 0) pointers.set(id, { pointer, readAt });
        return pointer;
      })
      .finally(() => pointerReads.delete(id));
    pointerReads.set(id, pending);
  }
  return pending;
}

/**
 * The live pointer (null when nothing is published): synchronously when the isolate holds
 * one, refreshed in the background through `defer` once it is CACHE_TTL_SECONDS old; a
 * promise only on a cold isolate (or with the cache off). A failed background refresh
 * keeps the current pointer and is tried again by the next request.
 */
export function livePointer(
  kv: KVNamespace,
  config: Config,
  defer?: Defer,
): Pointer | null | Promise<Pointer | null> {
  const id = scope(kv);
  const state = pointers.get(id);
  if (state === undefined || config.cacheTtlMs === 0) return loadPointer(kv, config, id);
  if (Date.now() - state.readAt >= config.cacheTtlMs && !pointerReads.has(id)) {
    const refresh = loadPointer(kv, config, id).catch(() => null);
    defer?.(refresh);
  }
  return state.pointer;
}

export async function readPointer(kv: KVNamespace, config: Config, defer?: Defer): Promise<Pointer | null> {
  return livePointer(kv, config, defer);
}

export async function requirePointer(kv: KVNamespace, config: Config, defer?: Defer): Promise<Pointer> {
  const pointer = await livePointer(kv, config, defer);
  if (!pointer) throw noModel();
  return pointer;
}

export function maxVariant(pointer: Pointer): number {
  return Math.max(...pointer.variants);
}
