// A rate limit per API key (per client IP when the API is open) through the Workers Rate
// Limiting binding. Its window is set in wrangler.toml (`simple = { limit, period }`).
// The fast lane (fast-lane.ts) asks the limiter through limitAllows too.
import type { Context, MiddlewareHandler, Next } from "hono";
import type { AppEnv, RateLimiter } from "../env.js";
import { ApiError } from "../errors.js";
import { type LogOrigin, logLine } from "../log.js";
import { OPEN_PATHS } from "./auth.js";

/** The `period` of the [[ratelimits]] binding: a client that hit the limit waits this long at most. */
export const RATE_LIMIT_PERIOD_SECONDS = 60;

/** Who an open API's limit counts against. */
export const ipClient = (ip: string | null | undefined) => `ip:${ip ?? "unknown"}`;

/**
 * Requests the fast lane already counted and the limiter refused. The fast lane leaves
 * them to the app for the 429; the middleware must not count them a second time.
 */
export const refusedByLimiter = new WeakSet<Request>();

/** Whether the limiter lets `client` through. A broken limiter must not take the API down with it: allow, and say so in the log. */
export async function limitAllows(
  limiter: RateLimiter,
  client: string,
  origin: () => LogOrigin,
): Promise<boolean> {
  try {
    return (await limiter.limit({ key: client })).success;
  } catch (err) {
    logLine(origin(), "warn", "rate limiter unavailable; request allowed", {
      error: err instanceof Error ? err.message : String(err),
    });
    return true;
  }
}

// Not async itself: without a limiter (or on an open path) a request passes straight on.
export const rateLimit: MiddlewareHandler<AppEnv> = (c, next) => {
  const limiter = c.env.RATE_LIMITER;
  if (!limiter || OPEN_PATHS.has(c.req.path)) return next();
  return limit(c, limiter, next);
};

async function limit(c: Context<AppEnv>, limiter: RateLimiter, next: Next): Promise<void> {
  const refused = refusedByLimiter.has(c.req.raw);
  if (!refused) {
    const client = c.get("client") ?? ipClient(c.req.header("cf-connecting-ip"));
    const allowed = await limitAllows(limiter, client, () => ({
      requestId: c.get("requestId"),
      method: c.req.method,
      path: c.req.path,
    }));
    if (allowed) return next();
  }
  throw new ApiError(
    429,
    "rate_limited",
    "Too many requests; slow down and retry later.",
    RATE_LIMIT_PERIOD_SECONDS,
  );
}
