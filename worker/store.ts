// Reads of the KV contract: the pointer (cached in the isolate for a short TTL) and the
// versioned values. No computation here beyond picking keys.
import { keys, POINTER_KEY, type Pointer } from "./contract.js";
import { ApiError } from "./errors.js";

const DEFAULT_TTL_SECONDS = 30;
const MAX_TTL_SECONDS = 60;

let cached: { pointer: Pointer | null; expires: number; kv: KVNamespace } | undefined;

export function cacheTtlSeconds(raw: string | undefined): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) return DEFAULT_TTL_SECONDS;
  return Math.min(n, MAX_TTL_SECONDS);
}

/** Test hook: forget the isolate cache. */
export function resetStoreCache(): void {
  cached = undefined;
}

function kvFailure(): ApiError {
  return new ApiError(503, "kv_unavailable", "The audience store is unavailable; try again shortly.", 5);
}

export async function readPointer(kv: KVNamespace, ttlSeconds: number): Promise<Pointer | null> {
  const now = Date.now();
  if (cached && cached.kv === kv && cached.expires > now) return cached.pointer;
  let text: string | null;
  try {
    text = await kv.get(POINTER_KEY);
  } catch {
    throw kvFailure();
  }
  let pointer: Pointer | null = null;
  if (text) {
    try {
      pointer = JSON.parse(text) as Pointer;
    } catch {
      pointer = null;
    }
  }
  cached = { pointer, expires: now + ttlSeconds * 1000, kv };
  return pointer;
}

export async function requirePointer(kv: KVNamespace, ttlSeconds: number): Promise<Pointer> {
  const pointer = await readPointer(kv, ttlSeconds);
  if (!pointer) throw new ApiError(503, "no_model", "No audience model is published yet.", 60);
  return pointer;
}

export async function readValue(kv: KVNamespace, key: string): Promise<string | null> {
  try {
    return await kv.get(key);
  } catch {
    throw kvFailure();
  }
}

export const recKey = keys.rec;
export const fallbackKey = keys.fallback;
export const sampleKey = keys.sample;
export const metaKey = keys.meta;
