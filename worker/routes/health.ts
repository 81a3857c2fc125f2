import { Hono } from "hono";
import type { AppEnv } from "../env.js";
import { ApiError } from "../errors.js";
import { cacheTtlSeconds, readPointer } from "../store.js";

export const health = new Hono<AppEnv>().get("/", async (c) => {
  let pointer;
  try {
    pointer = await readPointer(c.env.RECS, cacheTtlSeconds(c.env.CACHE_TTL_SECONDS));
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    c.header("Retry-After", "5");
    return c.json({ status: "unhealthy", model_loaded: false, reason: "KV is unavailable" }, 503);
  }
  if (!pointer) {
    c.header("Retry-After", "60");
    return c.json({ status: "unhealthy", model_loaded: false, reason: "no model has been published" }, 503);
  }
  const ageSeconds = Math.max(0, Math.round((Date.now() - Date.parse(pointer.generated_at)) / 1000));
  return c.json({
    status: "healthy",
    model_loaded: true,
    products: pointer.products,
    model_version: pointer.version,
    generated_at: pointer.generated_at,
    age_seconds: ageSeconds,
    auth: c.env.API_KEYS ? "required" : "open",
  });
});
