// A rate limit per API key (per client IP when the API is open) through the Workers Rate
// Limiting binding. Its window is set in wrangler.toml (`simple = { limit, period }`).
import type { Context, MiddlewareHandler, Next } from "hono";
import type { AppEnv, RateLimiter } from "../env.js";
import { ApiError } from "../errors.js";
import { log } from "../log.js";
import { OPEN_PATHS } from "./auth.js";

/** The `period` of the [[ratelimits]] binding: a client that hit the limit waits this long at most. */
export const RATE_LIMIT_PERIOD_SECONDS = 60;

// Not async itself: without a limiter (or on an open path) a request passes straight on.
export const rateLimit: MiddlewareHandler<AppEnv> = (c, next) => {
  const limiter = c.env.RATE_LIMITER;
  if (!limiter || OPEN_PATHS.has(c.req.path)) return next();
  return limit(c, limiter, next);
};

async function limit(c: Context<AppEnv>, limiter: RateLimiter, next: Next): Promise<void> {
  const key = c.get("client") ?? `ip:${c.req.header("cf-connecting-ip") ?? "unknown"}`;
  let allowed: boolean;
  try {
    allowed = (await limiter.limit({ key })).success;
  } catch (err) {
    // A broken limiter must not take the API down with it: allow, and say so in the log.
    log(c, "warn", "rate limiter unavailable; request allowed", { error: err instanceof Error ? err.message : String(err) });
    return next();
  }
  if (!allowed) {
    throw new ApiError(429, "rate_limited", "Too many requests; slow down and retry later.", RATE_LIMIT_PERIOD_SECONDS);
  }
  await next();
}
