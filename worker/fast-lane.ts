// The one route that carries the load, answered before Hono: GET /recommend/{id} with plain
// input, while the isolate holds the pointer and the audience fresh. Routing, context and
// query parsing cost more than the answer itself there (docs/api.md, "Serving cost").
//
// It is a shortcut, never a second API: it answers only what it is sure the app would
// answer the same way (through the same plan, recommend-answer.ts) and hands everything
// else to the app (returns undefined): any other route or method, input that is not
// plainly valid, a cache miss, a missing fallback, a value that does not parse, a missing
// or wrong API key. It runs the same auth and rate limit as the middleware, so production
// takes it too. A request the limiter refused goes to the app marked as counted, and the
// app answers 429 without asking the limiter again.

import { etagMatches } from "./audience.js";
import { configOf } from "./config.js";
import type { Bindings } from "./env.js";
import type { LogOrigin } from "./log.js";
import { keyClient, matchKey, presentedKey } from "./middleware/auth.js";
import { ipClient, limitAllows, refusedByLimiter } from "./middleware/rate-limit.js";
import { baseHeadersFor, requestIdFor } from "./middleware/response-headers.js";
import { audienceContent, planAudience } from "./recommend-answer.js";
import { plainRecommendInput, type RecommendInput } from "./schemas.js";
import { cachedPointer, cachedValue, maxVariant } from "./store.js";

const ROUTE = "/recommend/";
// Query keys and values that need no decoding: anything else (%, +, other characters) is left to the app.
const PLAIN_QUERY = /^[A-Za-z0-9=&]+$/;

/**
 * The input of a plain GET /recommend/{id}?n=&format= URL, or undefined for any other URL.
 * The path is found as Hono finds it (getPath), and only ids by the contract's rule pass,
 * which need no decoding; the query may hold n and format once each, nothing else.
 */
export function plainRecommendUrl(url: string): RecommendInput | undefined {
  const start = url.indexOf("/", url.indexOf(":") + 4);
  if (start < 0 || !url.startsWith(ROUTE, start)) return undefined;
  const queryStart = url.indexOf("?", start);
  const productId = url.slice(start + ROUTE.length, queryStart < 0 ? url.length : queryStart);
  let n: string | undefined;
  let format: string | undefined;
  if (queryStart >= 0) {
    const query = url.slice(queryStart + 1);
    if (!PLAIN_QUERY.test(query)) return undefined;
    for (const pair of query.split("&")) {
      const eq = pair.indexOf("=");
      if (eq < 0) return undefined;
      const key = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (key === "n" && n === undefined) n = value;
      else if (key === "format" && format === undefined) format = value;
      else return undefined;
    }
  }
  return plainRecommendInput(
    productId,
    n === undefined ? undefined : [n],
    format === undefined ? undefined : [format],
  );
}

/** A Response now, a Promise of one (auth or a rate limit to ask), or undefined: the app answers. */
export function fastLane(
  request: Request,
  env: Bindings,
): Response | Promise<Response | undefined> | undefined {
  if (request.method !== "GET") return undefined;
  const input = plainRecommendUrl(request.url);
  if (input === undefined) return undefined;
  const kv = env.RECS;
  const pointer = cachedPointer(kv);
  if (pointer === undefined) return undefined;
  // Too large an n is the app's to name (invalid_n).
  if (input.n !== undefined && Number(input.n) > maxVariant(pointer)) return undefined;
  const config = configOf(env);
  const headers = request.headers;
  const requestId = requestIdFor(headers.get("x-request-id"));
  const plan = planAudience(
    pointer,
    config,
    input,
    headers.get("accept"),
    baseHeadersFor(config, requestId, request),
  );
  let body: string | null = null;
  let status = 304;
  if (!etagMatches(headers.get("if-none-match"), plan.etag)) {
    const stored = cachedValue(kv, plan.req.recKey);
    if (stored === undefined) return undefined;
    const fallback = stored === null ? cachedValue(kv, plan.req.fallbackKey) : null;
    if (fallback === undefined || (stored === null && fallback === null)) return undefined;
    try {
      body = audienceContent(plan, stored, fallback);
    } catch {
      // A stored value that does not parse: the app answers with the error body.
      return undefined;
    }
    status = 200;
  }
  const respond = () => new Response(body, { status, headers: plan.headers });
  const limiter = env.RATE_LIMITER;
  if (config.apiKeys.length === 0 && limiter === undefined) return respond();
  return guarded(request, config.apiKeys, limiter, respond, () => ({
    requestId,
    method: "GET",
    path: ROUTE + input.productId,
  }));
}

async function guarded(
  request: Request,
  apiKeys: string[],
  limiter: Bindings["RATE_LIMITER"],
  respond: () => Response,
  origin: () => LogOrigin,
): Promise<Response | undefined> {
  let client: string;
  if (apiKeys.length > 0) {
    const key = presentedKey(request.headers.get("authorization"), request.headers.get("x-api-key"));
    const index = key === undefined ? -1 : await matchKey(apiKeys, key);
    // The app's auth answers 401 (and asks for a key with WWW-Authenticate).
    if (index < 0) return undefined;
    client = keyClient(index);
  } else {
    client = ipClient(request.headers.get("cf-connecting-ip"));
  }
  if (limiter !== undefined && !(await limitAllows(limiter, client, origin))) {
    refusedByLimiter.add(request);
    return undefined;
  }
  return respond();
}
