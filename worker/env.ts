// The worker's bindings (wrangler.toml) and per-request variables.

/** The Workers Rate Limiting binding (`[[ratelimits]]` in wrangler.toml). */
export interface RateLimiter {
  limit(options: { key: string }): Promise<{ success: boolean }>;
}

export interface Bindings {
  RECS: KVNamespace;
  RATE_LIMITER?: RateLimiter;
  /** Secret: comma-separated API keys. Unset or empty = open (local default). */
  API_KEYS?: string;
  /** Seconds the isolate keeps the pointer and hot values; clamped to 0..60. */
  CACHE_TTL_SECONDS?: string;
  /** Seconds the KV edge cache keeps versioned values (`cacheTtl`); at least 30. */
  KV_CACHE_TTL_SECONDS?: string;
  /** /health turns stale when the live build is older than this many days. */
  STALE_AFTER_DAYS?: string;
  /** Cache-Control max-age of audience responses. */
  CACHE_MAX_AGE_SECONDS?: string;
  /** Comma-separated origins allowed by CORS, or `*`; empty = no CORS headers. */
  CORS_ORIGINS?: string;
}

export interface Variables {
  requestId: string;
  /** Set when a route built its response with every header (middleware/response-headers.ts). */
  headersComplete?: boolean;
  /** Who the rate limit counts against: `key:<index>` when a key was checked. */
  client?: string;
}

export type AppEnv = { Bindings: Bindings; Variables: Variables };
