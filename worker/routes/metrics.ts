import { Hono } from "hono";
import type { AppEnv } from "../env.js";
import { cacheTtlSeconds, requirePointer } from "../store.js";

export const metrics = new Hono<AppEnv>().get("/", async (c) => {
  const pointer = await requirePointer(c.env.RECS, cacheTtlSeconds(c.env.CACHE_TTL_SECONDS));
  return c.json({
    model_type: "engagement_product_affinity",
    model_version: pointer.version,
    generated_at: pointer.generated_at,
    cached_recommendations: pointer.products * pointer.variants.length,
    available_products: pointer.products,
    variants: pointer.variants,
    id_type: pointer.id_type,
  });
});
