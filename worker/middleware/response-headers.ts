// What every response carries: the request id, the security headers and (for configured
// origins) CORS. They are worked out once per request as a plain record (baseHeaders). The
// audience route builds its Response from that record and its own headers in one plain
// object: workerd copies a plain object into a Response far more cheaply than a Headers
// object filled by one native set() per header, which is how Hono's c.header works. Every
// other response (other routes, errors, 404s) gets the record added afterwards, without
// overwriting a header the route chose (the demo page's own CSP). A response that already
// carries this request's id was built from the record and is left alone. Preflights go to
// hono/cors.
import type { Context, MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { type Config, configOf } from "../config.js";
import type { AppEnv } from "../env.js";

/**
 * The headers that matter for a JSON API (OWASP REST cheat sheet): nosniff, HSTS, no
 * framing, and a CSP that lets a response run nothing. Referrer-Policy only governs what a
 * document sends when it links or loads elsewhere; the cheat sheet counts it among the
 * headers for HTML, so only the demo page carries it (routes/root.ts). The ones hono adds by
 * default for documents and retired browsers (X-XSS-Protection, X-Download-Options, DNS
 * prefetch, Flash policies, COOP, Origin-Agent-Cluster) would double the bytes of every
 * audience. No Cross-Origin-Resource-Policy: callers read the API with CORS, which CORP does
 * not affect, and "cross-origin" (the only value that would suit an API read from other
 * origins) is what a response without it already allows; every header costs each request
 * (see docs/api.md), so one that changes nothing is left out.
 */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
  "Strict-Transport-Security": "max-age=15552000; includeSubDomains",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
};

/** Headers a cross-origin caller may read. */
const EXPOSED_HEADERS = "ETag,X-Model-Version,X-Request-Id,Retry-After,Content-Disposition";

/** An incoming X-Request-Id is kept when it is short and plain, so callers can trace. */
const SANE_REQUEST_ID = /^[\w\-=]{1,128}$/;

function requestIdFor(incoming: string | null): string {
  return incoming !== null && SANE_REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
}

/**
 * A fresh record of what every response of this request carries, for the route to add its
 * own headers to (Vary only when CORS needs it). One copy of a constant object plus named
 * stores: V8's cheapest way to build it. `request` is read only for its Origin, and only when
 * CORS has an allow-list.
 */
function baseHeadersFor(config: Config, requestId: string, request: Request): Record<string, string> {
  const headers: Record<string, string> = { ...SECURITY_HEADERS, "X-Request-Id": requestId };
  const origins = config.corsOrigins;
  if (origins === "*") {
    headers["Access-Control-Allow-Origin"] = "*";
    headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS;
  } else if (origins.length > 0) {
    // The answer depends on the Origin, so caches must key on it.
    headers.Vary = "Origin";
    const origin = request.headers.get("origin");
    if (origin !== null && origins.includes(origin)) {
      headers["Access-Control-Allow-Origin"] = origin;
      headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS;
    }
  }
  return headers;
}

export function baseHeaders(c: Context<AppEnv>): Record<string, string> {
  return baseHeadersFor(configOf(c.env), c.get("requestId"), c.req.raw);
}

// One preflight handler per config (an isolate sees one env, so one in practice).
const preflightFor = new WeakMap<Config, MiddlewareHandler<AppEnv>>();
function preflight(config: Config): MiddlewareHandler<AppEnv> {
  let handler = preflightFor.get(config);
  if (!handler) {
    handler = cors({
      origin: config.corsOrigins,
      allowMethods: ["GET", "HEAD", "POST", "OPTIONS"],
      allowHeaders: ["Authorization", "X-API-Key", "Content-Type", "If-None-Match", "X-Request-Id"],
      exposeHeaders: EXPOSED_HEADERS.split(","),
      maxAge: 600,
    });
    preflightFor.set(config, handler);
  }
  return handler;
}

export const responseHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  const config = configOf(c.env);
  const id = requestIdFor(c.req.raw.headers.get("x-request-id"));
  c.set("requestId", id);
  const origins = config.corsOrigins;
  if (c.req.method === "OPTIONS" && (origins === "*" || origins.length > 0)) {
    // hono/cors builds the preflight from the headers set so far: set ours first.
    for (const name in SECURITY_HEADERS) c.header(name, SECURITY_HEADERS[name]);
    c.header("X-Request-Id", id);
    return preflight(config)(c, next);
  }
  await next();
  if (c.res.headers.get("x-request-id") === id) return;
  // Any other response: add the record, keeping what the route set (Vary is merged).
  const base = baseHeaders(c);
  const headers = c.res.headers;
  for (const name in base) {
    const value = base[name];
    const current = headers.get(name);
    if (current === null) headers.set(name, value);
    else if (
      name === "Vary" &&
      !current.split(",").some((v) => v.trim().toLowerCase() === value.toLowerCase())
    )
      headers.set(name, `${value}, ${current}`);
  }
};
