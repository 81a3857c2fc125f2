// GET /recommend/:productId and POST /recommend/batch: pre-serialized audiences from KV.
import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { audienceBody, audienceRequest, etagMatches } from "../audience.js";
import { configOf } from "../config.js";
import type { AppEnv } from "../env.js";
import { ApiError, validationError } from "../errors.js";
import { baseHeaders, plainResponse } from "../middleware/response-headers.js";
import { audienceContent, planAudience, resolveN } from "../recommend-answer.js";
import { createRouter } from "../router.js";
import {
  BatchBody,
  BatchResponse,
  errorResponses,
  ProductParams,
  plainRecommendInput,
  RecommendationResponse,
  type RecommendInput,
  RecommendQuery,
  secured,
} from "../schemas.js";
import { cachedPointer, cachedValue, readValue, readValues, requirePointer } from "../store.js";

// 100 ids of 64 characters fit in ~7 KB; anything far bigger is not a batch request.
const MAX_BATCH_BYTES = 64 * 1024;

const getRoute = createRoute({
  method: "get",
  path: "/{productId}",
  summary: "The audience for one product",
  description:
    "An exact variant is served as stored; another n is cut from the next larger variant. An unknown product gets the fallback audience with `fallback: true`.",
  security: secured,
  request: { params: ProductParams, query: RecommendQuery },
  responses: {
    200: {
      description: "The audience (JSON, or CSV with ?format=csv or Accept: text/csv)",
      headers: { ETag: { schema: { type: "string" } }, "X-Model-Version": { schema: { type: "string" } } },
      content: {
        "application/json": { schema: RecommendationResponse },
        "text/csv": { schema: { type: "string", example: "customer_id,score,rank\n1042,0.9731,1\n" } },
      },
    },
    304: { description: "Not modified (If-None-Match matched the ETag)" },
    ...errorResponses,
  },
});

const batchRoute = createRoute({
  method: "post",
  path: "/batch",
  summary: "Audiences for up to 100 products at once",
  security: secured,
  middleware: [
    bodyLimit({
      maxSize: MAX_BATCH_BYTES,
      onError: () => {
        throw new ApiError(
          413,
          "payload_too_large",
          `The request body is larger than ${MAX_BATCH_BYTES} bytes.`,
        );
      },
    }),
  ] as const,
  request: { body: { required: true, content: { "application/json": { schema: BatchBody } } } },
  responses: {
    200: {
      description: "One result per requested id, in order",
      content: { "application/json": { schema: BatchResponse } },
    },
    400: { description: "Malformed JSON", content: errorResponses[422].content },
    413: { description: "More than 100 product ids", content: errorResponses[422].content },
    ...errorResponses,
  },
});

/**
 * GET's input. Nearly every request is plainly valid and takes the plain check (the same
 * rules as the schemas, see plainRecommendInput); anything else goes through the schemas,
 * which name the problem, in the order the route's validators would run them (query, then
 * path) and with the values they would see (a repeated query key as an array).
 */
function recommendInput(c: Context<AppEnv>): RecommendInput {
  const productId = c.req.param("productId") ?? "";
  const queries = c.req.queries();
  const plain = plainRecommendInput(productId, queries.n, queries.format);
  if (plain) return plain;
  const values = Object.entries(queries).map(([key, all]) => [key, all.length === 1 ? all[0] : all]);
  const query = RecommendQuery.safeParse(Object.fromEntries(values));
  if (!query.success) throw validationError(query.error);
  const params = ProductParams.safeParse({ productId });
  if (!params.success) throw validationError(params.error);
  return { productId: params.data.productId, n: query.data.n, format: query.data.format };
}

export const recommend = createRouter().openapi(batchRoute, async (c) => {
  const config = configOf(c.env);
  const body = c.req.valid("json");
  const pointer = await requirePointer(c.env.RECS, config);
  const n = resolveN(pointer, body.n);
  const requests = body.product_ids.map((id) => audienceRequest(pointer, String(id), n));
  const stored = await readValues(
    c.env.RECS,
    config,
    requests.map((r) => r.recKey),
  );
  const needsFallback = requests.some((r) => stored.get(r.recKey) === null);
  const fallback = needsFallback ? await readValue(c.env.RECS, config, requests[0].fallbackKey) : null;
  const results = requests.map((r) => audienceBody(pointer, r, stored.get(r.recKey) ?? null, fallback));
  c.header("Cache-Control", "no-store");
  c.header("X-Model-Version", pointer.version);
  c.header("Content-Type", "application/json; charset=utf-8");
  // Each result is a stored body already: join them rather than parse and re-serialize.
  return c.body(`{"results":[${results.join(",")}]}`, 200) as never;
});

// Documented from the same schemas that validate it (recommendInput), served by a plain
// route so that a valid request skips the schema machinery.
recommend.openAPIRegistry.registerPath(getRoute);
recommend.get("/:productId", async (c) => {
  const config = configOf(c.env);
  const input = recommendInput(c);
  const kv = c.env.RECS;
  const pointer = cachedPointer(kv) ?? (await requirePointer(kv, config));
  // One plain record, one Response (see plainResponse): this is the route that carries the load.
  const plan = planAudience(pointer, config, input, c.req.header("accept"), baseHeaders(c));
  // Decided from the pointer alone: a revalidation costs no read of the audience.
  if (etagMatches(c.req.header("if-none-match"), plan.etag)) return plainResponse(c, null, 304, plan.headers);
  let stored = cachedValue(kv, plan.req.recKey);
  if (stored === undefined) stored = await readValue(kv, config, plan.req.recKey);
  const fallback = stored === null ? await readValue(kv, config, plan.req.fallbackKey) : null;
  return plainResponse(c, audienceContent(plan, stored, fallback), 200, plan.headers);
});

// Anything deeper than one segment (an unencoded "/" in an id) or an empty id: the
// same 422 as any other bad id, never a KV key.
recommend.get("/*", () => {
  throw new ApiError(422, "invalid_product_id", "productId: must be 1 to 64 characters of A-Z a-z 0-9 . _ -");
});
