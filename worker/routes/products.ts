import { Hono } from "hono";
import { keys, SAMPLE_N_MAX } from "../contract.js";
import type { AppEnv } from "../env.js";
import { ApiError } from "../errors.js";
import { cacheTtlSeconds, readValue, requirePointer } from "../store.js";

export const products = new Hono<AppEnv>().get("/sample", async (c) => {
  const rawN = c.req.query("n") ?? "10";
  const n = Number(rawN);
  if (!/^\d+$/.test(rawN) || n < 1 || n > SAMPLE_N_MAX) {
    throw new ApiError(422, "invalid_n", `n must be an integer from 1 to ${SAMPLE_N_MAX}`);
  }
  const pointer = await requirePointer(c.env.RECS, cacheTtlSeconds(c.env.CACHE_TTL_SECONDS));
  const text = await readValue(c.env.RECS, keys.sample(pointer.version));
  const all = text ? (JSON.parse(text) as (string | number)[]) : [];
  return c.json({ sample_products: all.slice(0, n), total_available: pointer.products });
});
