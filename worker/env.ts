// The worker's bindings and per-request variables. What wrangler.toml declares is generated
// into worker-configuration.d.ts by `npm run types` (`npm run typecheck` fails when it is not
// current); this file only adds what the generator cannot see.

/** The Workers Rate Limiting binding (`[[ratelimits]]` in wrangler.toml). */
export type RateLimiter = Cloudflare.Env["RATE_LIMITER"];

/**
 * wrangler.toml's bindings. The [vars] may be absent (the worker then uses its defaults:
 * tests and benchmarks run it with other settings), so only RECS is required. API_KEYS is a
 * secret (`wrangler secret put`), which no config file holds: unset means open, set means
 * every protected route needs one of its comma-separated keys (none usable = refused).
 */
export type Bindings = Pick<Cloudflare.Env, "RECS"> &
  Partial<Omit<Cloudflare.Env, "RECS">> & {
    API_KEYS?: string;
  };

interface Variables {
  requestId: string;
  /** Who the rate limit counts against: `key:<index>` when a key was checked. */
  client?: string;
}

export type AppEnv = { Bindings: Bindings; Variables: Variables };
