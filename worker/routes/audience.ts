// POST /audience and GET /audience: one audience for a campaign of up to 100 products,
// merged from their stored audiences (one KV bulk get), with a holdout group.
import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import { responseId } from "../audience.js";
import {
  type Candidate,
  campaignCsv,
  campaignResponse,
  fallbackCandidates,
  topCandidates,
  unionOf,
} from "../campaign.js";
import { AudienceBody, AudienceQuery, CampaignResponse, FormatQuery } from "../campaign-schemas.js";
import { configOf } from "../config.js";
import { CAMPAIGN_DEFAULT_N, CAMPAIGN_MAX_PRODUCTS, isValidId, keys } from "../contract.js";
import { deferOf } from "../defer.js";
import type { AppEnv } from "../env.js";
import { ApiError } from "../errors.js";
import { defaultCampaign } from "../holdout.js";
import { limitBody } from "../middleware/body-limit.js";
import { createRouter } from "../router.js";
import { errorResponses, secured } from "../schemas.js";
import { maxVariant, readValue, readValues, requirePointer } from "../store.js";

// 100 ids of 64 characters fit in ~7 KB; anything far bigger is not a campaign request.
const MAX_BODY_BYTES = 64 * 1024;

const ok = {
  description: "The campaign audience (JSON, or CSV with ?format=csv or Accept: text/csv)",
  headers: { "X-Model-Version": { schema: { type: "string" as const } } },
  content: {
    "application/json": { schema: CampaignResponse },
    "text/csv": {
      schema: {
        type: "string" as const,
        example: "customer_id,score,rank,product_id,holdout\n1042,0.9731,1,1004,false\n",
      },
    },
  },
};
const tooMany = { description: "More than 100 product ids", content: errorResponses[422].content };

const postRoute = createRoute({
  method: "post",
  path: "/",
  summary: "One audience for a campaign of up to 100 products, with a holdout group",
  description:
    "The union of the products' stored audiences (their largest variant): each customer once, at their best score, with the product that gave it (on equal scores the earlier product in the request); ranked by score, ties by customer id in the build's order. Held-out customers stay in the list with holdout: true. When no product is known: the fallback audience, fallback: true.",
  security: secured,
  middleware: [limitBody(MAX_BODY_BYTES)] as const,
  request: {
    query: FormatQuery,
    body: { required: true, content: { "application/json": { schema: AudienceBody } } },
  },
  responses: {
    200: ok,
    400: { description: "Malformed JSON", content: errorResponses[422].content },
    413: tooMany,
    ...errorResponses,
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/",
  summary: "The campaign audience, as POST /audience answers it, from query parameters",
  security: secured,
  request: { query: AudienceQuery.extend(FormatQuery.shape) },
  responses: { 200: ok, 413: tooMany, ...errorResponses },
});

interface CampaignInput {
  ids: string[];
  n: number;
  holdoutPct: number;
  campaign?: string;
  format?: "json" | "csv";
}

/** `products=a,b,c` as ids; every bad one named with its index in one 422. */
function queryIds(products: string): string[] {
  const ids = products.split(",");
  if (ids.length > CAMPAIGN_MAX_PRODUCTS)
    throw new ApiError(
      413,
      "too_many_products",
      `products: at most ${CAMPAIGN_MAX_PRODUCTS} product ids per campaign`,
    );
  const bad = ids.flatMap((id, i) => (isValidId(id) ? [] : [i]));
  if (bad.length > 0) {
    const named = bad.slice(0, 10).map((i) => `products[${i}]`);
    throw new ApiError(
      422,
      "invalid_products",
      `${named.join(", ")}: must be 1 to 64 characters of A-Z a-z 0-9 . _ - (comma-separated)`,
    );
  }
  return ids;
}

async function answer(c: Context<AppEnv>, input: CampaignInput, cacheControl: string): Promise<Response> {
  const config = configOf(c.env);
  const kv = c.env.RECS;
  const pointer = await requirePointer(kv, config, deferOf(c));
  const ids = [...new Set(input.ids)];
  const variant = maxVariant(pointer);
  const recKeys = ids.map((id) => keys.rec(pointer.version, id, variant));
  // One bulk get for every product (the isolate cache answers the ones it holds).
  const values = await readValues(kv, config, recKeys);
  const stored = recKeys.map((key) => values.get(key) ?? null);
  const known = stored.some((v) => v !== null);
  let candidates: Candidate[];
  if (known) candidates = unionOf(recKeys, stored);
  else {
    const fallbackKey = keys.fallback(pointer.version, variant);
    const fallback = await readValue(kv, config, fallbackKey);
    if (fallback === null)
      throw new ApiError(
        503,
        "model_incomplete",
        "The published model is missing its fallback audience.",
        60,
      );
    candidates = fallbackCandidates(fallbackKey, fallback);
  }
  const productIds = ids.map((id) => responseId(id, pointer));
  const body = campaignResponse(topCandidates(candidates, input.n), {
    campaign: input.campaign ?? (await defaultCampaign(ids)),
    productIds,
    unknownProducts: productIds.filter((_, i) => stored[i] === null),
    modelVersion: pointer.version,
    generatedAt: pointer.generated_at,
    fallback: !known,
    holdoutPct: input.holdoutPct,
  });
  const csv =
    input.format === "csv" || (input.format === undefined && c.req.header("accept")?.includes("text/csv"));
  c.header("Cache-Control", cacheControl);
  c.header("X-Model-Version", pointer.version);
  c.header("Vary", "Accept", { append: true });
  if (csv) {
    c.header("Content-Type", "text/csv; charset=utf-8");
    c.header("Content-Disposition", `attachment; filename="campaign-${body.campaign}.csv"`);
    return c.body(campaignCsv(body), 200);
  }
  c.header("Content-Type", "application/json; charset=utf-8");
  return c.body(JSON.stringify(body), 200);
}

export const audience = createRouter()
  .openapi(postRoute, async (c) => {
    const body = c.req.valid("json");
    const { format } = c.req.valid("query");
    const input: CampaignInput = {
      ids: body.product_ids.map(String),
      n: body.n ?? CAMPAIGN_DEFAULT_N,
      holdoutPct: body.holdout_pct ?? 0,
      campaign: body.campaign,
      format,
    };
    return (await answer(c, input, "no-store")) as never;
  })
  .openapi(getRoute, async (c) => {
    const q = c.req.valid("query");
    const input: CampaignInput = {
      ids: queryIds(q.products),
      n: q.n === undefined ? CAMPAIGN_DEFAULT_N : Number(q.n),
      holdoutPct: q.holdout_pct === undefined ? 0 : Number(q.holdout_pct),
      campaign: q.campaign,
      format: q.format,
    };
    // A pure function of the live version and the query, like the audiences themselves.
    return (await answer(c, input, configOf(c.env).dataCacheControl)) as never;
  });
