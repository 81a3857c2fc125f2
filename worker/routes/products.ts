// GET /products/sample: product ids to try, from the build's stored sample.
import { createRoute } from "@hono/zod-openapi";
import { configOf } from "../config.js";
import { DEFAULT_N, type JsonId, keys } from "../contract.js";
import { deferOf } from "../defer.js";
import { createRouter } from "../router.js";
import { errorResponses, SampleQuery, SampleResponse, secured } from "../schemas.js";
import { readValue, requirePointer } from "../store.js";

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
  const text = await readValue(c.env.RECS, config, keys.sample(pointer.version));
  let all: JsonId[] = [];
  try {
    const parsed: unknown = text ? JSON.parse(text) : [];
    if (Array.isArray(parsed)) all = parsed as JsonId[];
  } catch {
    all = [];
  }
  c.header("Cache-Control", config.dataCacheControl);
  c.header("X-Model-Version", pointer.version);
  return c.json(
    {
      sample_products: all.slice(0, n === undefined ? DEFAULT_N : Number(n)),
      total_available: pointer.products,
    },
    200,
  );
});
