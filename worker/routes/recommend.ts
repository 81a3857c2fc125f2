// GET /recommend/:productId and POST /recommend/batch: pre-serialized audiences from KV.
import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import { accepts } from "hono/accepts";
import { audienceBody, audienceRequest, etagMatches } from "../audience.js";
import { configOf } from "../config.js";
import { keys } from "../contract.js";
import { deferOf } from "../defer.js";
import type { AppEnv } from "../env.js";
import { ApiError, noModel } from "../errors.js";
import { explainBody, explainedContent, explainPlan } from "../explain.js";
import { limitBody } from "../middleware/body-limit.js";
import { baseHeaders } from "../middleware/response-headers.js";
import { type AudienceFormat, audienceContent, planAudience, resolveN } from "../recommend-answer.js";
import { retargetBatch, retargetContent, retargetEtag } from "../retarget.js";
import { createRouter } from "../router.js";
import {
  BatchBody,
  BatchResponse,
  errorResponses,
  ProductParams,
  RecommendationResponse,
  RecommendQuery,
  secured,
} from "../schemas.js";
import { livePointer, readValue, readValues, requirePointer, value } from "../store.js";

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
  middleware: [limitBody(MAX_BATCH_BYTES)] as const,
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

export const recommend = createRouter().openapi(batchRoute, async (c) => {
  const config = configOf(c.env);
  const body = c.req.valid("json");
  const pointer = await requirePointer(c.env.RECS, config, deferOf(c));
  const n = resolveN(pointer, body.n);
  const requests = body.product_ids.map((id) => audienceRequest(pointer, String(id), n));
  c.header("Cache-Control", "no-store");
  c.header("X-Model-Version", pointer.version);
  c.header("Content-Type", "application/json; charset=utf-8");
  if (body.audience === "retarget") {
    const bodies = await retargetBatch(c.env.RECS, config, pointer, requests);
    return c.body(`{"results":[${bodies.join(",")}]}`, 200) as never;
  }
  const stored = await readValues(
    c.env.RECS,
    config,
    requests.map((r) => r.recKey),
  );
  const needsFallback = requests.some((r) => stored.get(r.recKey) === null);
  const fallback = needsFallback ? await readValue(c.env.RECS, config, requests[0].fallbackKey) : null;
  let results = requests.map((r) => audienceBody(pointer, r, stored.get(r.recKey) ?? null, fallback));
  if (body.explain) {
    // The reasons in one more bulk read (a batch's audience keys already fill one).
    const why = await readValues(
      c.env.RECS,
      config,
      requests.map((r) => keys.why(pointer.version, r.productId)),
    );
    results = results.map((b, i) =>
      JSON.stringify(explainBody(b, why.get(keys.why(pointer.version, requests[i].productId)) ?? null)),
    );
  }
  // Each result is a stored body already: join them rather than parse and re-serialize.
  return c.body(`{"results":[${results.join(",")}]}`, 200) as never;
});

// The route that carries the load: validated by the same schemas that document it, then
// one plain record of headers and one Response (see middleware/response-headers.ts).
recommend.openapi(getRoute, async (c) => {
  const config = configOf(c.env);
  const { productId } = c.req.valid("param");
  const query = c.req.valid("query");
  const kv = c.env.RECS;
  let pointer = livePointer(kv, config, deferOf(c));
  if (pointer instanceof Promise) pointer = await pointer;
  if (pointer === null) throw noModel();
  const plan = planAudience(
    pointer,
    config,
    productId,
    query.n === undefined ? undefined : Number(query.n),
    query.format ?? negotiatedFormat(c),
    baseHeaders(c),
  );
  if (query.audience === "retarget") {
    plan.etag = plan.headers.ETag = retargetEtag(plan);
    if (etagMatches(c.req.header("if-none-match"), plan.etag))
      return new Response(null, { status: 304, headers: plan.headers });
    return new Response(await retargetContent(kv, config, plan), {
      status: 200,
      headers: plan.headers,
    }) as never;
  }
  // Reasons explain a prospects audience; a retarget audience is its own reason (above).
  const explain = query.explain === "true";
  if (explain) explainPlan(plan);
  // Decided from the pointer alone: a revalidation costs no read of the audience.
  if (etagMatches(c.req.header("if-none-match"), plan.etag))
    return new Response(null, { status: 304, headers: plan.headers });
  if (explain)
    return new Response(await explainedContent(kv, config, plan), {
      status: 200,
      headers: plan.headers,
    }) as never;
  let stored = value(kv, config, plan.req.recKey);
  if (stored instanceof Promise) stored = await stored;
  const fallback = stored === null ? await value(kv, config, plan.req.fallbackKey) : null;
  return new Response(audienceContent(plan, stored, fallback), {
    status: 200,
    headers: plan.headers,
  }) as never;
});

/** CSV when the Accept header prefers it (q-values honoured: text/csv;q=0 is a refusal), else JSON. */
function negotiatedFormat(c: Context<AppEnv>): AudienceFormat {
  const type = accepts(c, {
    header: "Accept",
    supports: ["application/json", "text/csv"],
    default: "application/json",
  });
  return type === "text/csv" ? "csv" : "json";
}

// Anything deeper than one segment (an unencoded "/" in an id) or an empty id: the
// same 422 as any other bad id, never a KV key.
recommend.get("/*", () => {
  throw new ApiError(422, "invalid_product_id", "productId: must be 1 to 64 characters of A-Z a-z 0-9 . _ -");
});
