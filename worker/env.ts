// The worker's bindings (wrangler.toml) and per-request variables.

export interface RateLimiter {
  limit(options: { key: string }): Promise<{ success: boolean }>;
}

export interface Bindings {
  RECS: KVNamespace;
  RATE_LIMITER?: RateLimiter;
  /** Secret: comma-separated API keys. Unset = open (local default). */
  API_KEYS?: string;
  CACHE_TTL_SECONDS?: string;
  STALE_AFTER_DAYS?: string;
  CACHE_MAX_AGE_SECONDS?: string;
  CORS_ORIGINS?: string;
}

export interface Variables {
  requestId: string;
}

export type AppEnv = { Bindings: Bindings; Variables: Variables };
