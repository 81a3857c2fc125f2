// API keys: when the API_KEYS secret is set, every route but the open ones needs
// `Authorization: Bearer <key>` or `X-API-Key: <key>`. Keys are compared as SHA-256
// digests with crypto.subtle.timingSafeEqual, so neither the content nor the length of
// a configured key leaks through timing. API_KEYS set without one usable key fails closed:
// every protected route answers 503 auth_misconfigured (and /health says why).
import type { Context, MiddlewareHandler, Next } from "hono";
import { configOf } from "../config.js";
import type { AppEnv } from "../env.js";
import { ApiError, authMisconfigured } from "../errors.js";

/** Monitors, the demo page (with its icon) and the API description stay reachable without a key. */
export const OPEN_PATHS: ReadonlySet<string> = new Set(["/", "/favicon.ico", "/health", "/openapi.json"]);

const encoder = new TextEncoder();
const sha256 = (text: string) => crypto.subtle.digest("SHA-256", encoder.encode(text));

// Digests of the configured keys, computed once per isolate (per API_KEYS value).
let known: { source: string[]; digests: ArrayBuffer[] } | undefined;

async function digestsOf(keys: string[]): Promise<ArrayBuffer[]> {
  if (known?.source !== keys) known = { source: keys, digests: await Promise.all(keys.map(sha256)) };
  return known.digests;
}

/** Index of the matching configured key, or -1. Checks every key: no early exit. */
async function matchKey(keys: string[], presented: string): Promise<number> {
  const expected = await digestsOf(keys);
  const digest = await sha256(presented);
  let match = -1;
  for (let i = 0; i < expected.length; i++) {
    if (crypto.subtle.timingSafeEqual(expected[i], digest) && match < 0) match = i;
  }
  return match;
}

function presentedKey(
  authorization: string | undefined,
  apiKeyHeader: string | undefined,
): string | undefined {
  const bearer = /^Bearer\s+(.+)$/i.exec(authorization?.trim() ?? "");
  const key = bearer?.[1] ?? apiKeyHeader;
  const trimmed = key?.trim();
  return trimmed ? trimmed : undefined;
}

// Not async itself: an open API (or an open path) passes straight on, with no extra promise.
export const auth: MiddlewareHandler<AppEnv> = (c, next) => {
  const config = configOf(c.env);
  if (config.auth === "open" || OPEN_PATHS.has(c.req.path)) return next();
  if (config.auth === "misconfigured") throw authMisconfigured();
  return checkKey(c, config.apiKeys, next);
};

async function checkKey(c: Context<AppEnv>, apiKeys: string[], next: Next): Promise<void> {
  const key = presentedKey(c.req.header("authorization"), c.req.header("x-api-key"));
  const index = key === undefined ? -1 : await matchKey(apiKeys, key);
  if (index < 0) {
    c.header("WWW-Authenticate", 'Bearer realm="product-audience"');
    throw key === undefined
      ? new ApiError(
          401,
          "missing_api_key",
          "An API key is required: send Authorization: Bearer <key> or X-API-Key: <key>.",
        )
      : new ApiError(401, "invalid_api_key", "The API key is not valid.");
  }
  // The key's index names the client to the rate limit without copying the secret.
  c.set("client", `key:${index}`);
  await next();
}
