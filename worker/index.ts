// The edge API: composes middleware and one router per resource. Handlers only read
// pre-serialized values from KV (see store.ts); nothing is computed on the hot path.
import { Hono } from "hono";
import type { AppEnv } from "./env.js";
import { ApiError, errorResponse } from "./errors.js";
import { health } from "./routes/health.js";
import { metrics } from "./routes/metrics.js";
import { products } from "./routes/products.js";
import { recommend } from "./routes/recommend.js";
import { root } from "./routes/root.js";

const app = new Hono<AppEnv>();

app.route("/recommend", recommend);
app.route("/products", products);
app.route("/health", health);
app.route("/metrics", metrics);
app.route("/", root);

app.notFound((c) => errorResponse(c, new ApiError(404, "not_found", `No route for ${c.req.method} ${new URL(c.req.url).pathname}`)));
app.onError((err, c) => {
  if (err instanceof ApiError) return errorResponse(c, err);
  console.error(JSON.stringify({ level: "error", message: err.message }));
  return errorResponse(c, new ApiError(500, "internal_error", "Internal error"));
});

export default app;
