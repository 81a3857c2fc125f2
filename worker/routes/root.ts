import { Hono } from "hono";
import type { AppEnv } from "../env.js";
import { cacheTtlSeconds, readPointer } from "../store.js";

export const SERVICE_VERSION = "0.1.0";

export const root = new Hono<AppEnv>().get("/", async (c) => {
  const pointer = await readPointer(c.env.RECS, cacheTtlSeconds(c.env.CACHE_TTL_SECONDS)).catch(() => null);
  return c.json({
    message: "Product audience API: which customers to target for a product.",
    version: SERVICE_VERSION,
    model_version: pointer?.version ?? null,
    endpoints: {
      recommend: "GET /recommend/{product_id}?n=10",
      batch: "POST /recommend/batch",
      sample: "GET /products/sample?n=10",
      health: "GET /health",
      metrics: "GET /metrics",
      openapi: "GET /openapi.json",
    },
  });
});
