// Request and response schemas of /audience (campaign audiences): they validate the
// requests and document them in /openapi.json.
import { z } from "@hono/zod-openapi";
import {
  CAMPAIGN_DEFAULT_N,
  CAMPAIGN_MAX_N,
  CAMPAIGN_MAX_PRODUCTS,
  HOLDOUT_PCT_MAX,
  ID_PATTERN,
} from "./contract.js";
import { BatchId } from "./schemas.js";

const ID_RULE = "must be 1 to 64 characters of A-Z a-z 0-9 . _ -";
const N_RULE = `must be an integer from 1 to ${CAMPAIGN_MAX_N}`;
const HOLDOUT_RULE = `must be a number from 0 to ${HOLDOUT_PCT_MAX}`;

const QUERY_N = /^[0-9]{1,4}$/;
// Plain decimals only: no sign, exponent or spaces.
const QUERY_PCT = /^[0-9]{1,3}(\.[0-9]{1,6})?$/;

const campaignDoc = {
  description:
    "Names the campaign: it decides the holdout group. Default: the sorted distinct product ids joined by '+', sha256, first 16 hex digits.",
  example: "spring-blenders",
};
const holdoutDoc = {
  description:
    "Share of customers held out, in percent (decimals allowed). A customer is held out iff the first 32 bits of sha256(campaign + ':' + customer_id), over 2^32, are below holdout_pct / 100.",
  example: 10,
};

export const AudienceBody = z
  .object({
    product_ids: z
      .array(BatchId)
      .min(1, "must hold at least one product id")
      .max(CAMPAIGN_MAX_PRODUCTS, `at most ${CAMPAIGN_MAX_PRODUCTS} product ids per campaign`),
    n: z
      .number()
      .int(N_RULE)
      .min(1, N_RULE)
      .max(CAMPAIGN_MAX_N, N_RULE)
      .optional()
      .openapi({ default: CAMPAIGN_DEFAULT_N }),
    holdout_pct: z
      .number()
      .min(0, HOLDOUT_RULE)
      .max(HOLDOUT_PCT_MAX, HOLDOUT_RULE)
      .optional()
      .openapi({ default: 0, ...holdoutDoc }),
    campaign: z.string().regex(ID_PATTERN, ID_RULE).optional().openapi(campaignDoc),
  })
  .openapi("AudienceRequest", {
    example: { product_ids: [1004, 1005], n: 100, holdout_pct: 10, campaign: "spring-blenders" },
  });

export const AudienceQuery = z.object({
  products: z.string().openapi({
    param: { name: "products", in: "query" },
    description: `1 to ${CAMPAIGN_MAX_PRODUCTS} comma-separated product ids (more is 413).`,
    example: "1004,1005",
  }),
  n: z
    .string()
    .regex(QUERY_N, N_RULE)
    .refine((s) => Number(s) >= 1 && Number(s) <= CAMPAIGN_MAX_N, N_RULE)
    .optional()
    .openapi({
      param: { name: "n", in: "query" },
      type: "integer",
      minimum: 1,
      maximum: CAMPAIGN_MAX_N,
      default: CAMPAIGN_DEFAULT_N,
    }),
  holdout_pct: z
    .string()
    .regex(QUERY_PCT, HOLDOUT_RULE)
    .refine((s) => Number(s) <= HOLDOUT_PCT_MAX, HOLDOUT_RULE)
    .optional()
    .openapi({
      param: { name: "holdout_pct", in: "query" },
      type: "number",
      minimum: 0,
      maximum: HOLDOUT_PCT_MAX,
      default: 0,
      ...holdoutDoc,
    }),
  campaign: z
    .string()
    .regex(ID_PATTERN, ID_RULE)
    .optional()
    .openapi({ param: { name: "campaign", in: "query" }, ...campaignDoc }),
});

export const FormatQuery = z.object({
  format: z
    .enum(["json", "csv"], { message: "must be json or csv" })
    .optional()
    .openapi({
      param: { name: "format", in: "query" },
      description: "csv downloads customer_id,score,rank,product_id,holdout rows (as does Accept: text/csv).",
    }),
});

const JsonId = z.union([z.number().int(), z.string()]);

export const CampaignRecommendation = z
  .object({
    customer_id: JsonId,
    score: z.number(),
    rank: z.number().int(),
    product_id: JsonId.nullable().openapi({
      description: "The campaign product that gave this customer's best score; null in a fallback answer.",
    }),
    holdout: z.boolean().openapi({ description: "Held out: in the list, but not to be contacted." }),
  })
  .openapi("CampaignRecommendation");

export const CampaignResponse = z
  .object({
    campaign: z.string(),
    product_ids: z.array(JsonId).openapi({ description: "The distinct requested ids, in request order." }),
    recommendations: z.array(CampaignRecommendation),
    count: z.number().int(),
    targeted: z.number().int(),
    holdout: z.number().int(),
    unknown_products: z.array(JsonId).openapi({ description: "Requested ids the build never saw." }),
    model_version: z.string(),
    generated_at: z.string(),
    fallback: z.boolean().openapi({
      description: "True when no requested product is known: the fallback audience.",
    }),
  })
  .openapi("CampaignResponse");
