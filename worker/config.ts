// Parses the string [vars] of wrangler.toml into typed settings, once per env object
// (an isolate sees the same env on every request, so this runs once per isolate).
import type { Bindings } from "./env.js";

/** API keys off (no API_KEYS), on, or set without one usable key: then nothing protected is served. */
type AuthMode = "open" | "required" | "misconfigured";

export interface Config {
  /** Age after which the isolate refreshes the pointer in the background, 0..60 s; 0 = no isolate cache. */
  cacheTtlMs: number;
  /** KV `cacheTtl` for the pointer: short, it is the switch between versions. */
  pointerKvCacheTtl: number;
  /** KV `cacheTtl` for versioned values: they never change once published. */
  valueKvCacheTtl: number;
  staleAfterSeconds: number;
  staleAfterDays: number;
  maxAgeSeconds: number;
  /** "*" or an allow-list; empty = CORS off. */
  corsOrigins: "*" | string[];
  auth: AuthMode;
  apiKeys: string[];
  /** The rate limiter's window: how long a refused client waits at most (Retry-After). */
  rateLimitPeriodSeconds: number;
  /** Cache-Control of served data: private unless the API is open, max-age from config. */
  dataCacheControl: string;
}

const MAX_ISOLATE_TTL_SECONDS = 60;
// Workers KV refuses a cacheTtl below 30 seconds.
const MIN_KV_CACHE_TTL_SECONDS = 30;
// The Rate Limiting binding's windows are 10 or 60 seconds.
const DEFAULT_RATE_LIMIT_PERIOD_SECONDS = 60;

function number(
  raw: string | undefined,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (raw === undefined || raw.trim() === "") return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n)) return fallback;
  return Math.min(Math.max(n, min), max);
}

function list(raw: string | undefined): string[] {
  return (raw ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export function parseConfig(env: Bindings): Config {
  const cacheTtlSeconds = number(env.CACHE_TTL_SECONDS, 30, 0, MAX_ISOLATE_TTL_SECONDS);
  const staleAfterDays = number(env.STALE_AFTER_DAYS, 10, 0);
  const origins = list(env.CORS_ORIGINS);
  const apiKeys = list(env.API_KEYS);
  // A secret entered wrong (blank, only commas) must never make the API public.
  const auth: AuthMode =
    env.API_KEYS === undefined ? "open" : apiKeys.length > 0 ? "required" : "misconfigured";
  const maxAgeSeconds = Math.round(number(env.CACHE_MAX_AGE_SECONDS, 60, 0));
  return {
    cacheTtlMs: cacheTtlSeconds * 1000,
    pointerKvCacheTtl: MIN_KV_CACHE_TTL_SECONDS,
    valueKvCacheTtl: number(env.KV_CACHE_TTL_SECONDS, 300, MIN_KV_CACHE_TTL_SECONDS),
    staleAfterSeconds: staleAfterDays * 86_400,
    staleAfterDays,
    maxAgeSeconds,
    corsOrigins: origins.includes("*") ? "*" : origins,
    auth,
    apiKeys,
    rateLimitPeriodSeconds: Math.round(
      number(env.RATE_LIMIT_PERIOD_SECONDS, DEFAULT_RATE_LIMIT_PERIOD_SECONDS, 1),
    ),
    // Behind API keys a shared cache must not hand one client's response to another.
    dataCacheControl: `${auth === "open" ? "public" : "private"}, max-age=${maxAgeSeconds}`,
  };
}

const configs = new WeakMap<Bindings, Config>();

export function configOf(env: Bindings): Config {
  let config = configs.get(env);
  if (!config) {
    config = parseConfig(env);
    configs.set(env, config);
  }
  return config;
}
