// The edge API: composes middleware and one router per resource. Handlers only read
// pre-serialized values from KV (store.ts); nothing is computed on the hot path.
import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { configOf } from "./config.js";
import type { AppEnv } from "./env.js";
import { ApiError, errorResponse, toApiError } from "./errors.js";
import { log } from "./log.js";
import { auth } from "./middleware/auth.js";
import { rateLimit } from "./middleware/rate-limit.js";
import { createRouter } from "./router.js";
import { health } from "./routes/health.js";
import { metrics } from "./routes/metrics.js";
import { products } from "./routes/products.js";
import { recommend } from "./routes/recommend.js";
import { root, SERVICE_VERSION } from "./routes/root.js";

const app = createRouter();

// CORS only for the configured origins (CORS_ORIGINS); none configured = no CORS headers.
// Preflights go to hono's cors. Other requests get their headers here through c.header,
// before the response exists: hono's cors sets them on c.res up front, which makes Hono
// build every response twice and copy its headers over, a cost on every request.
const EXPOSED = "ETag,X-Model-Version,X-Request-Id,Retry-After,Content-Disposition";
const preflightFor = new WeakMap<object, MiddlewareHandler<AppEnv>>();
const corsByConfig: MiddlewareHandler<AppEnv> = (c, next) => {
  const config = configOf(c.env);
  const origins = config.corsOrigins;
  if (origins !== "*" && origins.length === 0) return next();
  if (c.req.method === "OPTIONS") {
    let preflight = preflightFor.get(config);
    if (!preflight) {
      preflight = cors({
        origin: origins,
        allowMethods: ["GET", "HEAD", "POST", "OPTIONS"],
        allowHeaders: ["Authorization", "X-API-Key", "Content-Type", "If-None-Match", "X-Request-Id"],
        exposeHeaders: EXPOSED.split(","),
        maxAge: 600,
      });
      preflightFor.set(config, preflight);
    }
    return preflight(c, next);
  }
  if (origins === "*") {
    c.header("Access-Control-Allow-Origin", "*");
    c.header("Access-Control-Expose-Headers", EXPOSED);
  } else {
    // The answer depends on the Origin, so caches must key on it.
    c.header("Vary", "Origin");
    const origin = c.req.header("origin");
    if (origin !== undefined && origins.includes(origin)) {
      c.header("Access-Control-Allow-Origin", origin);
      c.header("Access-Control-Expose-Headers", EXPOSED);
    }
  }
  return next();
};

app.use(requestId({ limitLength: 128 }));
// The headers that matter for a JSON API (OWASP REST cheat sheet): nosniff, HSTS, no
// framing, no referrer, and a CSP that lets a response run nothing. hono's defaults for
// documents and retired browsers (X-XSS-Protection, X-Download-Options, DNS prefetch,
// Flash policies, COOP, Origin-Agent-Cluster) would double the bytes of every audience.
// The demo page sets its own nonce-based CSP, which overwrite: false keeps. The API is
// meant to be read from other origins, hence CORP cross-origin.
app.use(
  secureHeaders({
    contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    crossOriginResourcePolicy: "cross-origin",
    xFrameOptions: "DENY",
    crossOriginOpenerPolicy: false,
    originAgentCluster: false,
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xPermittedCrossDomainPolicies: false,
    xXssProtection: false,
    overwrite: false,
  }),
);
app.use(corsByConfig);
app.use(auth);
app.use(rateLimit);

app.route("/recommend", recommend);
app.route("/products", products);
app.route("/health", health);
app.route("/metrics", metrics);
app.route("/", root);

app.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer" });
app.openAPIRegistry.registerComponent("securitySchemes", "apiKey", { type: "apiKey", in: "header", name: "X-API-Key" });

// Generated once per isolate from the same schemas that validate requests.
let openapiJson: string | undefined;
app.get("/openapi.json", (c) => {
  openapiJson ??= JSON.stringify(
    app.getOpenAPI31Document({
      openapi: "3.1.0",
      info: {
        title: "product-audience",
        version: SERVICE_VERSION,
        description:
          "Which customers to target for a product: pre-serialized audiences served from Workers KV. Errors are {\"error\": {\"code\", \"message\"}}; 429 and 503 carry Retry-After.",
      },
    }),
  );
  c.header("Content-Type", "application/json; charset=utf-8");
  c.header("Cache-Control", "public, max-age=300");
  return c.body(openapiJson);
});

app.notFound((c) => errorResponse(c, new ApiError(404, "not_found", `No route for ${c.req.method} ${c.req.path}`)));

app.onError((err, c) => {
  const known = toApiError(err);
  if (known) {
    if (known.status >= 500) log(c, "warn", known.message, { code: known.code, status: known.status });
    return errorResponse(c, known);
  }
  // Details stay in the log (with the request id the client was given), never in the body.
  log(c, "error", err instanceof Error ? err.message : String(err), { stack: err instanceof Error ? err.stack : undefined });
  return errorResponse(c, new ApiError(500, "internal_error", "Internal error; quote the X-Request-Id when reporting it."));
});

export default app;
