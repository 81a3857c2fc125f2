// GET /products/sample: product ids to try, from the build's stored sample.
import { createRoute } from "@hono/zod-openapi";
import { configOf } from "../config.js";
import { DEFAULT_N, type JsonId, keys } from "../contract.js";
import { deferOf } from "../defer.js";
import { createRouter } from "../router.js";
import { errorResponses, SampleQuery, SampleResponse, secured } from "../schemas.js";
import { readValues, requirePointer } from "../store.js";

const sampleRoute = createRoute({
  method: "get",
  path: "/sample",
  summary: "Product ids of the live build, to try the API with",
  security: secured,
  request: { query: SampleQuery },
  responses: {
    200: { description: "Up to n product ids", content: { "application/json": { schema: SampleResponse } } },
    ...errorResponses,
  },
});

export const products = createRouter().openapi(sampleRoute, async (c) => {
  const config = configOf(c.env);
  const { n } = c.req.valid("query");
  const pointer = await requirePointer(c.env.RECS, config, deferOf(c));
  const sampleKey = keys.sample(pointer.version);
  const namesKey = keys.sampleNames(pointer.version);
  const values = await readValues(c.env.RECS, config, [sampleKey, namesKey]);
  const all = jsonArray<JsonId>(values.get(sampleKey) ?? null);
  const names = jsonArray<string | null>(values.get(namesKey) ?? null);
  const shown = all.slice(0, n === undefined ? DEFAULT_N : Number(n));
  c.header("Cache-Control", config.dataCacheControl);
  c.header("X-Model-Version", pointer.version);
  return c.json(
    {
      sample_products: shown,
      products: shown.map((id, i) => ({ product_id: id, product_name: names[i] ?? null })),
      total_available: pointer.products,
    },
    200,
  );
});

/** A stored JSON array, or [] when missing or unreadable. */
function jsonArray<T>(text: string | null): T[] {
  try {
    const parsed: unknown = text ? JSON.parse(text) : [];
    return Array.isArray(parsed) ? (parsed as T[]) : [];
  } catch {
    return [];
  }
}
