// Turns stored values into response bodies. The hot path (an exact variant of a known
// product) returns the stored string untouched: no JSON.parse, no JSON.stringify.
import {
  isCanonicalSafeInteger,
  type JsonId,
  keys,
  type Pointer,
  type RecommendationResponse,
  toJsonId,
  variantFor,
} from "./contract.js";
import { ApiError, invalidN } from "./errors.js";

/** The pipeline stores the fallback with a null product id, filled per request here. */
const FALLBACK_PREFIX = '{"product_id":null';

export interface AudienceRequest {
  productId: string;
  n: number;
  /** The stored variant that serves n: n itself, or the next larger one. */
  variant: number;
  recKey: string;
  fallbackKey: string;
}

export function audienceRequest(pointer: Pointer, productId: string, n: number): AudienceRequest {
  const variant = variantFor(n, pointer.variants);
  if (variant === undefined) throw invalidN(Math.max(...pointer.variants));
  return {
    productId,
    n,
    variant,
    recKey: keys.rec(pointer.version, productId, variant),
    fallbackKey: keys.fallback(pointer.version, variant),
  };
}

/**
 * The id as this build writes ids: a number in a numeric build, except for an id that is
 * not a canonical integer (a product the build cannot have seen), which stays a string
 * rather than turning into NaN.
 */
export function responseId(productId: string, pointer: Pointer): JsonId {
  return pointer.id_type === "number" && !isCanonicalSafeInteger(productId)
    ? productId
    : toJsonId(productId, pointer.id_type);
}

function missingFallback(): ApiError {
  return new ApiError(503, "model_incomplete", "The published model is missing its fallback audience.", 60);
}

/**
 * The response body for one product: the stored value when the build knows the product,
 * else the fallback audience with this product's id spliced in; cut to n when n is not
 * itself a variant (only then is the JSON parsed).
 */
export function audienceBody(
  pointer: Pointer,
  req: AudienceRequest,
  stored: string | null,
  fallback: string | null,
): string {
  let body = stored;
  if (body === null) {
    if (fallback === null) throw missingFallback();
    const id = JSON.stringify(responseId(req.productId, pointer));
    if (fallback.startsWith(FALLBACK_PREFIX)) {
      body = `{"product_id":${id}${fallback.slice(FALLBACK_PREFIX.length)}`;
    } else {
      const parsed = JSON.parse(fallback) as RecommendationResponse;
      parsed.product_id = responseId(req.productId, pointer);
      body = JSON.stringify(parsed);
    }
  }
  if (req.variant === req.n) return body;
  const parsed = JSON.parse(body) as RecommendationResponse;
  parsed.recommendations = parsed.recommendations.slice(0, req.n);
  parsed.count = parsed.recommendations.length;
  return JSON.stringify(parsed);
}

/** `customer_id,score,rank` rows; ids are token characters only, so nothing needs quoting. */
export function audienceCsv(body: string): string {
  const parsed = JSON.parse(body) as RecommendationResponse;
  let csv = "customer_id,score,rank\n";
  for (const r of parsed.recommendations) csv += `${r.customer_id},${r.score},${r.rank}\n`;
  return csv;
}

/** A strong validator: the body is a pure function of version, product, n and format. */
export function audienceEtag(version: string, productId: string, n: number, format: "json" | "csv"): string {
  return `"${version}/${productId}/${n}${format === "csv" ? "/csv" : ""}"`;
}

/** If-None-Match per RFC 9110: `*`, or a list of (possibly weak) tags. */
export function etagMatches(ifNoneMatch: string | null | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === "*") return true;
  for (const raw of ifNoneMatch.split(",")) {
    const tag = raw.trim();
    if (tag === etag || tag === `W/${etag}`) return true;
  }
  return false;
}
