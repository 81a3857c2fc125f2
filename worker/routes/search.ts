// GET /products/search: products by name (or exact id), best first.
import { createRoute } from "@hono/zod-openapi";
import { configOf } from "../config.js";
import { SEARCH_LIMIT_DEFAULT } from "../contract.js";
import { SEARCH_PREFIX_MAX, SEARCH_SHORT_PREFIX_KEEP } from "../contract-readable.js";
import { deferOf } from "../defer.js";
import { createRouter } from "../router.js";
import { errorResponses, SearchQuery, SearchResponse, secured } from "../schemas.js";
import { searchProducts } from "../search.js";
import { requirePointer } from "../store.js";

/** SEARCH_PREFIX_MAX with thousands separators, as the docs write it. */
const CROWDED = String(SEARCH_PREFIX_MAX).replace(/\B(?=(\d{3})+$)/g, ",");

const searchRoute = createRoute({
  method: "get",
  path: "/search",
  summary: "Find products by name",
  description: `Every word of q must start a word of the product's name (case- and accent-insensitive). A product whose id equals q comes first, then the rest by distinct customers (most first), then by id. When the longest word of q has 1 or 2 characters, only the ${SEARCH_SHORT_PREFIX_KEEP} best products with that prefix are searched; when every word of 3 or more characters is a word start shared by more than ${CROWDED} products (such as two very common whole words), only the ${CROWDED} best products of the longest are searched. No match is 200 with count 0.`,
  security: secured,
  request: { query: SearchQuery },
  responses: {
    200: {
      description: "Matching products, best first",
      content: { "application/json": { schema: SearchResponse } },
    },
    ...errorResponses,
  },
});

export const search = createRouter().openapi(searchRoute, async (c) => {
  const config = configOf(c.env);
  const { q, limit } = c.req.valid("query");
  const pointer = await requirePointer(c.env.RECS, config, deferOf(c));
  const answer = await searchProducts(
    c.env.RECS,
    config,
    pointer,
    q.trim(),
    limit === undefined ? SEARCH_LIMIT_DEFAULT : Number(limit),
  );
  c.header("Cache-Control", config.dataCacheControl);
  c.header("X-Model-Version", pointer.version);
  return c.json(answer, 200);
});
