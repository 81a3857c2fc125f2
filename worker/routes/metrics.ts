// GET /metrics: what the live build holds and how the isolate cache is doing
// (ttl_seconds: how old the pointer may grow before a background refresh).
import { createRoute } from "@hono/zod-openapi";
import { configOf } from "../config.js";
import { deferOf } from "../defer.js";
import { createRouter } from "../router.js";
import { errorResponses, MetricsResponse, secured } from "../schemas.js";
import { requirePointer, storeCacheStats } from "../store.js";

const metricsRoute = createRoute({
  method: "get",
  path: "/",
  summary: "Model type and version, cached recommendations, available products, variants",
  security: secured,
  responses: {
    200: {
      description: "Figures of the live build",
      content: { "application/json": { schema: MetricsResponse } },
    },
    ...errorResponses,
  },
});

export const metrics = createRouter().openapi(metricsRoute, async (c) => {
  const config = configOf(c.env);
  const pointer = await requirePointer(c.env.RECS, config, deferOf(c));
  c.header("Cache-Control", "no-store");
  return c.json(
    {
      model_type: "engagement_product_affinity",
      model_version: pointer.version,
      generated_at: pointer.generated_at,
      // Every product has one stored response per variant.
      cached_recommendations: pointer.products * pointer.variants.length,
      available_products: pointer.products,
      variants: pointer.variants,
      id_type: pointer.id_type,
      isolate_cache: { ...storeCacheStats(), ttl_seconds: config.cacheTtlMs / 1000 },
    },
    200,
  );
});
