// GET /recommend/:productId — the pre-serialized audience, served as stored.
import { Hono } from "hono";
import { isValidId, keys, toJsonId, variantFor, type RecommendationResponse } from "../contract.js";
import type { AppEnv } from "../env.js";
import { ApiError } from "../errors.js";
import { cacheTtlSeconds, readValue, requirePointer } from "../store.js";

const FALLBACK_PREFIX = '{"product_id":null';

export const recommend = new Hono<AppEnv>().get("/:productId", async (c) => {
  const productId = c.req.param("productId");
  if (!isValidId(productId)) {
    throw new ApiError(422, "invalid_product_id", "product_id must match ^[A-Za-z0-9._-]{1,64}$");
  }
  const pointer = await requirePointer(c.env.RECS, cacheTtlSeconds(c.env.CACHE_TTL_SECONDS));
  const maxN = Math.max(...pointer.variants);
  const rawN = c.req.query("n");
  const n = rawN === undefined ? 10 : Number(rawN);
  if (!/^\d+$/.test(rawN ?? "10") || !Number.isInteger(n) || n < 1 || n > maxN) {
    throw new ApiError(422, "invalid_n", `n must be an integer from 1 to ${maxN}`);
  }
  const variant = variantFor(n, pointer.variants)!;
  let body = await readValue(c.env.RECS, keys.rec(pointer.version, productId, variant));
  if (body === null) {
    const fallback = await readValue(c.env.RECS, keys.fallback(pointer.version, variant));
    if (fallback === null) throw new ApiError(503, "model_incomplete", "The published model is missing its fallback audience.", 60);
    body = `{"product_id":${JSON.stringify(toJsonId(productId, pointer.id_type))}${fallback.slice(FALLBACK_PREFIX.length)}`;
  }
  if (variant !== n) {
    const parsed = JSON.parse(body) as RecommendationResponse;
    parsed.recommendations = parsed.recommendations.slice(0, n);
    parsed.count = parsed.recommendations.length;
    body = JSON.stringify(parsed);
  }
  c.header("Content-Type", "application/json; charset=utf-8");
  c.header("X-Model-Version", pointer.version);
  return c.body(body);
});
