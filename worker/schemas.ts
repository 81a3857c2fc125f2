// The request and response schemas. The same objects validate requests (via
// @hono/zod-openapi) and generate /openapi.json, so the document cannot drift.
import { z } from "@hono/zod-openapi";
import {
  AUDIENCE_KINDS,
  DEFAULT_MAX_N,
  DEFAULT_N,
  ID_PATTERN,
  MAX_BATCH_PRODUCTS,
  SAMPLE_N_MAX,
  SEARCH_LIMIT_DEFAULT,
  SEARCH_LIMIT_MAX,
  SEARCH_Q_MAX,
} from "./contract.js";

const ID_RULE = "must be 1 to 64 characters of A-Z a-z 0-9 . _ -";
const N_RULE = "must be an integer from 1 to the largest variant";

/** A path or body id by the contract's id rule: the only ids that ever reach a KV key. */
const ProductId = z.string().regex(ID_PATTERN, ID_RULE);

export const ProductParams = z.object({
  productId: ProductId.openapi({
    param: { name: "productId", in: "path" },
    description: "Product id: 1 to 64 characters of A-Z a-z 0-9 . _ -",
    example: "1004",
  }),
});

// Query values arrive as strings; a strict pattern rejects "1.5", "1e1", " 5" and "0x10".
const QUERY_INT = /^[0-9]{1,6}$/;
const isQueryInt = (s: string) => QUERY_INT.test(s) && Number(s) >= 1;
const queryInt = (rule: string) => z.string().regex(QUERY_INT, rule).refine(isQueryInt, rule);

const Audience = z.enum(AUDIENCE_KINDS, { message: "must be prospects or retarget" });

export const RecommendQuery = z.object({
  n: queryInt(N_RULE)
    .optional()
    .openapi({
      param: { name: "n", in: "query" },
      type: "integer",
      minimum: 1,
      maximum: DEFAULT_MAX_N,
      default: DEFAULT_N,
      description: `Audience size, 1 to the build's largest variant (${DEFAULT_MAX_N} by default).`,
    }),
  format: z
    .enum(["json", "csv"], { message: "must be json or csv" })
    .optional()
    .openapi({
      param: { name: "format", in: "query" },
      description: "csv downloads customer_id,score,rank rows (as does Accept: text/csv).",
    }),
  explain: z
    .enum(["true", "false"], { message: "must be true or false" })
    .optional()
    .openapi({
      param: { name: "explain", in: "query" },
      description:
        "true adds a `reason` to every recommendation (and a last `reason` column to CSV): the strongest evidence for that customer.",
    }),
  audience: Audience.optional().openapi({
    param: { name: "audience", in: "query" },
    description:
      "prospects (default): customers likely to want the product who never interacted with it; retarget: customers who carted or wishlisted it and never bought it, newest first.",
  }),
});

export const SampleQuery = z.object({
  n: queryInt(`must be an integer from 1 to ${SAMPLE_N_MAX}`)
    .refine((s) => Number(s) <= SAMPLE_N_MAX, `must be an integer from 1 to ${SAMPLE_N_MAX}`)
    .optional()
    .openapi({
      param: { name: "n", in: "query" },
      type: "integer",
      minimum: 1,
      maximum: SAMPLE_N_MAX,
      default: DEFAULT_N,
    }),
});

// Batch ids may be JSON numbers (as the reference API's clients send them) or strings.
export const BatchId = z.union([
  ProductId,
  z.number().int(ID_RULE).nonnegative(ID_RULE).max(Number.MAX_SAFE_INTEGER, ID_RULE),
]);

export const BatchBody = z
  .object({
    product_ids: z
      .array(BatchId)
      .min(1, "must hold at least one product id")
      .max(MAX_BATCH_PRODUCTS, `at most ${MAX_BATCH_PRODUCTS} product ids per batch`),
    n: z.number().int(N_RULE).min(1, N_RULE).optional(),
    explain: z
      .boolean({ message: "must be true or false" })
      .optional()
      .openapi({ description: "true adds a `reason` to every recommendation." }),
    audience: Audience.optional(),
  })
  .openapi("BatchRequest", { example: { product_ids: [1004, 1005], n: 10, audience: "prospects" } });

/** q: 1 to SEARCH_Q_MAX characters once trimmed; limit 1 to SEARCH_LIMIT_MAX. */
const Q_RULE = `must be 1 to ${SEARCH_Q_MAX} characters (after trimming) with at least one letter or digit`;
const LIMIT_RULE = `must be an integer from 1 to ${SEARCH_LIMIT_MAX}`;
export const SearchQuery = z.object({
  q: z
    .string({ message: Q_RULE })
    .refine((s) => {
      const length = Array.from(s.trim()).length;
      return length >= 1 && length <= SEARCH_Q_MAX && /[\p{L}\p{N}]/u.test(s);
    }, Q_RULE)
    .openapi({
      param: { name: "q", in: "query" },
      description:
        "Words to find: each must start a word of the product's name (case- and accent-insensitive). An exact product id is listed first.",
      example: "acme rock",
    }),
  limit: queryInt(LIMIT_RULE)
    .refine((s) => Number(s) <= SEARCH_LIMIT_MAX, LIMIT_RULE)
    .optional()
    .openapi({
      param: { name: "limit", in: "query" },
      type: "integer",
      minimum: 1,
      maximum: SEARCH_LIMIT_MAX,
      default: SEARCH_LIMIT_DEFAULT,
    }),
});

export const SearchResponse = z
  .object({
    query: z.string().openapi({ description: "q as searched (trimmed)." }),
    results: z.array(
      z.object({
        product_id: z.union([z.number().int(), z.string()]),
        product_name: z.string().nullable(),
        customers: z.number().int().openapi({ description: "Distinct customers of the product in the log." }),
      }),
    ),
    count: z.number().int(),
  })
  .openapi("SearchResponse");

// ---- responses (documentation; the bodies themselves are pre-serialized) ----

const JsonId = z.union([z.number().int(), z.string()]);

export const Reason = z
  .object({
    kind: z.enum(["similar_product", "shared_words", "engaged"]),
    product_id: JsonId.optional().openapi({
      description: "similar_product: the product the customer interacted with.",
    }),
    product_name: z.string().nullable().optional(),
    words: z.array(z.string()).optional().openapi({
      description:
        "shared_words: words of this product's name found in a product the customer interacted with.",
    }),
    text: z.string().openapi({ example: "Carted Acme Rocket 1, which shares customers with this product." }),
  })
  .openapi("Reason");

export const Recommendation = z
  .object({
    customer_id: JsonId,
    score: z.number(),
    rank: z.number().int(),
    reason: Reason.optional().openapi({ description: "With explain only." }),
  })
  .openapi("Recommendation");

export const RecommendationResponse = z
  .object({
    product_id: JsonId,
    product_name: z
      .string()
      .nullable()
      .openapi({ description: "The name on the product's latest interaction; null in a fallback answer." }),
    recommendations: z.array(Recommendation),
    count: z.number().int(),
    model_version: z.string(),
    generated_at: z.string(),
    fallback: z
      .boolean()
      .openapi({ description: "True when the build never saw this product: the fallback audience." }),
    note: z.string(),
  })
  .openapi("RecommendationResponse");

export const BatchResponse = z.object({ results: z.array(RecommendationResponse) }).openapi("BatchResponse");

export const SampleResponse = z
  .object({
    sample_products: z.array(JsonId),
    products: z.array(z.object({ product_id: JsonId, product_name: z.string().nullable() })),
    total_available: z.number().int(),
  })
  .openapi("SampleResponse");

export const HealthResponse = z
  .object({
    status: z.enum(["healthy", "unhealthy"]),
    model_loaded: z.boolean(),
    products: z.number().int().optional(),
    model_version: z.string().optional(),
    generated_at: z.string().optional(),
    age_seconds: z.number().int().optional(),
    stale: z.boolean().optional(),
    stale_after_days: z.number(),
    auth: z.enum(["required", "open", "misconfigured"]),
    reason: z.string().optional(),
  })
  .openapi("Health");

export const MetricsResponse = z
  .object({
    model_type: z.string(),
    model_version: z.string(),
    generated_at: z.string(),
    cached_recommendations: z.number().int(),
    available_products: z.number().int(),
    variants: z.array(z.number().int()),
    id_type: z.enum(["number", "string"]),
    isolate_cache: z.object({
      entries: z.number().int(),
      chars: z.number().int(),
      hits: z.number().int(),
      misses: z.number().int(),
      ttl_seconds: z.number(),
    }),
  })
  .openapi("Metrics");

export const RootResponse = z
  .object({
    message: z.string(),
    version: z.string(),
    model_version: z.string().nullable(),
    endpoints: z.record(z.string(), z.string()),
  })
  .openapi("Root");

const ErrorResponse = z
  .object({ error: z.object({ code: z.string(), message: z.string() }) })
  .openapi("Error");

const errorContent = { "application/json": { schema: ErrorResponse } };
export const errorResponses = {
  401: { description: "Missing or bad API key", content: errorContent },
  422: { description: "Invalid parameter", content: errorContent },
  429: { description: "Rate limited (Retry-After)", content: errorContent },
  503: {
    description: "No model published, KV unavailable, or API_KEYS misconfigured (Retry-After)",
    content: errorContent,
  },
} as const;

/** Routes behind API_KEYS (when it is set). */
export const secured: Record<string, string[]>[] = [{ bearer: [] }, { apiKey: [] }];
