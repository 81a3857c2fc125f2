// The edge API as a Hono app: composes middleware and one router per resource. Handlers
// only read pre-serialized values from KV (store.ts); nothing is computed on the hot path.
// Every route, the hot one included, is answered here.
import { ApiError, errorResponse, toApiError } from "./errors.js";
import { log } from "./log.js";
import { auth } from "./middleware/auth.js";
import { rateLimit } from "./middleware/rate-limit.js";
import { responseHeaders } from "./middleware/response-headers.js";
import { favicon } from "./page/favicon.js";
import { createRouter } from "./router.js";
import { audience } from "./routes/audience.js";
import { health } from "./routes/health.js";
import { metrics } from "./routes/metrics.js";
import { products } from "./routes/products.js";
import { recommend } from "./routes/recommend.js";
import { root } from "./routes/root.js";
import { search } from "./routes/search.js";
import { SERVICE_VERSION } from "./version.js";

const app = createRouter();

// Request id, security headers and CORS: one pass, before the response exists.
app.use(responseHeaders);
app.use(auth);
app.use(rateLimit);

app.route("/recommend", recommend);
app.route("/products", products);
app.route("/audience", audience);
app.route("/products", search);
app.route("/health", health);
app.route("/metrics", metrics);
app.route("/", root);
app.get("/favicon.ico", favicon);

app.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer" });
app.openAPIRegistry.registerComponent("securitySchemes", "apiKey", {
  type: "apiKey",
  in: "header",
  name: "X-API-Key",
});

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
          'Which customers to target for a product: pre-serialized audiences served from Workers KV. Errors are {"error": {"code", "message"}}; 429 and 503 carry Retry-After.',
      },
    }),
  );
  c.header("Content-Type", "application/json; charset=utf-8");
  c.header("Cache-Control", "public, max-age=300");
  return c.body(openapiJson);
});

app.notFound((c) =>
  errorResponse(c, new ApiError(404, "not_found", `No route for ${c.req.method} ${c.req.path}`)),
);

app.onError((err, c) => {
  const known = toApiError(err);
  if (known) {
    if (known.status >= 500) log(c, "warn", known.message, { code: known.code, status: known.status });
    return errorResponse(c, known);
  }
  // Details stay in the log (with the request id the client was given), never in the body.
  log(c, "error", err instanceof Error ? err.message : String(err), {
    stack: err instanceof Error ? err.stack : undefined,
  });
  return errorResponse(
    c,
    new ApiError(500, "internal_error", "Internal error; quote the X-Request-Id when reporting it."),
  );
});

export default app;
