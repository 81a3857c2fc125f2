// A small published build for the worker tests, and ways to call the worker with the
// real bindings or with a modified env (API keys on, a failing KV, a stub limiter).
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { keys, POINTER_KEY, type Pointer } from "../../worker/contract.js";
import type { Bindings, RateLimiter } from "../../worker/env.js";
import worker from "../../worker/index.js";
import { resetStoreCache } from "../../worker/store.js";

export const VERSION = "20261126T164500Z-3fa2c1";
export const VARIANTS = [5, 10, 20];
export const KNOWN = "42";
export const OTHER_KNOWN = "43";

export function pointerFor(generatedAt: Date, variants = VARIANTS): Pointer {
  return {
    version: VERSION,
    generated_at: generatedAt.toISOString(),
    variants,
    products: 2,
    id_type: "number",
  };
}

/** Customers 100, 101, … with scores 1, 0.99, … (fallback: customers 900, 901, …). */
export function storedBody(productId: number | null, n: number): string {
  const first = productId === null ? 900 : productId === 43 ? 500 : 100;
  const recs = Array.from({ length: n }, (_, i) => ({
    customer_id: first + i,
    score: 1 - i / 100,
    rank: i + 1,
  }));
  return JSON.stringify({
    product_id: productId,
    recommendations: recs,
    count: n,
    model_version: VERSION,
    generated_at: "2026-11-26T16:45:00.000Z",
    fallback: productId === null,
    note: productId === null ? "fallback note" : "ranked note",
  });
}

/** Publishes the fixture build (pointer 2 days old by default) and forgets the isolate cache. */
export async function seed(generatedAt = new Date(Date.now() - 2 * 86_400_000)): Promise<void> {
  for (const n of VARIANTS) {
    await env.RECS.put(keys.rec(VERSION, KNOWN, n), storedBody(42, n));
    await env.RECS.put(keys.rec(VERSION, OTHER_KNOWN, n), storedBody(43, n));
    await env.RECS.put(keys.fallback(VERSION, n), storedBody(null, n));
  }
  await env.RECS.put(keys.sample(VERSION), JSON.stringify([42, 43]));
  await env.RECS.put(POINTER_KEY, JSON.stringify(pointerFor(generatedAt)));
  resetStoreCache();
}

export function request(path: string, init?: RequestInit): Request {
  return new Request(`http://worker${path}`, init);
}

/** Calls the worker with the test bindings, overridden by `overrides`. */
export async function call(
  path: string,
  init?: RequestInit,
  overrides: Partial<Bindings> = {},
): Promise<Response> {
  const bindings: Bindings = { ...(env as unknown as Bindings), ...overrides };
  return worker.fetch(request(path, init), bindings);
}

/**
 * As call, with an ExecutionContext: `ctx` holds what the worker handed to waitUntil
 * (settle it with waitOnExecutionContext from cloudflare:test), `deferred` lists it.
 */
export async function callInContext(
  path: string,
  init?: RequestInit,
  overrides: Partial<Bindings> = {},
): Promise<{ response: Response; ctx: ExecutionContext; deferred: Promise<unknown>[] }> {
  const bindings: Bindings = { ...(env as unknown as Bindings), ...overrides };
  const ctx = createExecutionContext();
  const deferred: Promise<unknown>[] = [];
  const recording = {
    waitUntil: (work: Promise<unknown>) => {
      deferred.push(work);
      ctx.waitUntil(work);
    },
    passThroughOnException: () => ctx.passThroughOnException(),
    props: ctx.props,
  } as ExecutionContext;
  const response = await worker.fetch(request(path, init), bindings, recording);
  return { response, ctx, deferred };
}

/**
 * A KV binding that records every key read and passes it on to the real one once `open()`
 * was called: reads started before wait for it, as reads of a slow KV would.
 */
export function gatedKv(): { kv: KVNamespace; reads: string[]; open: () => void; close: () => void } {
  const reads: string[] = [];
  let gate: Promise<void> = Promise.resolve();
  let release = () => {};
  const real = env.RECS;
  const kv = {
    get: async (key: string, options?: unknown) => {
      reads.push(key);
      await gate;
      return (real.get as (k: unknown, o: unknown) => Promise<unknown>)(key, options);
    },
  } as unknown as KVNamespace;
  return {
    kv,
    reads,
    open: () => release(),
    close: () => {
      gate = new Promise((resolve) => {
        release = resolve;
      });
    },
  };
}

/** A KV binding that records every key read and passes the read on to the real one. */
export function countingKv(): { kv: KVNamespace; reads: (string | string[])[] } {
  const reads: (string | string[])[] = [];
  const real = env.RECS;
  const kv = {
    get: (key: string | string[], options?: unknown) => {
      reads.push(key);
      return (real.get as (k: unknown, o: unknown) => Promise<unknown>)(key, options);
    },
  } as unknown as KVNamespace;
  return { kv, reads };
}

/** A KV binding whose every read fails, as when KV is down. */
export const failingKv = {
  get: () => Promise.reject(new Error("KV GET failed: 500 Internal Server Error")),
} as unknown as KVNamespace;

/** A limiter that allows `allowed` calls, then refuses; records the keys it was asked about. */
export function stubLimiter(allowed: number): { limiter: RateLimiter; keys: string[] } {
  const seen: string[] = [];
  return {
    keys: seen,
    limiter: {
      limit: async ({ key }) => {
        seen.push(key);
        return { success: seen.length <= allowed };
      },
    },
  };
}

export async function errorOf(res: Response): Promise<{ code: string; message: string }> {
  const body = (await res.json()) as { error: { code: string; message: string } };
  return body.error;
}
