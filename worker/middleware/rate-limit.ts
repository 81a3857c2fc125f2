// A rate limit per API key (per client IP when the API is open) through the Workers Rate
// Limiting binding. Its window is set in wrangler.toml (`simple = { limit, period }`), and
// the same period, stated beside it as RATE_LIMIT_PERIOD_SECONDS, is the 429's Retry-After.
import type { Context, MiddlewareHandler, Next } from "hono";
import { configOf } from "../config.js";
import type { AppEnv, RateLimiter } from "../env.js";
import { ApiError } from "../errors.js";
import { log } from "../log.js";
import { OPEN_PATHS } from "./auth.js";

// Not async itself: without a limiter (or on an open path) a request passes straight on.
export const rateLimit: MiddlewareHandler<AppEnv> = (c, next) => {
  const limiter = c.env.RATE_LIMITER;
  if (!limiter || OPEN_PATHS.has(c.req.path)) return next();
  return limit(c, limiter, next);
};

/** Whether the limiter lets the client through. A broken limiter must not take the API down with it: allow, and say so in the log. */
async function allows(c: Context<AppEnv>, limiter: RateLimiter): Promise<boolean> {
  const client = c.get("client") ?? `ip:${c.req.header("cf-connecting-ip") ?? "unknown"}`;
  try {
    return (await limiter.limit({ key: client })).success;
  } catch (err) {
    log(c, "warn", "rate limiter unavailable; request allowed", {
      error: err instanceof Error ? err.message : String(err),
    });
    return true;
  }
}

async function limit(c: Context<AppEnv>, limiter: RateLimiter, next: Next): Promise<void> {
  if (await allows(c, limiter)) return next();
  throw new ApiError(
    429,
    "rate_limited",
    "Too many requests; slow down and retry later.",
    configOf(c.env).rateLimitPeriodSeconds,
  );
}
