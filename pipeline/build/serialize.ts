// Serialization: one finished JSON response per product and n-variant, so the worker
// serves bytes as stored. Bodies follow the contract in worker/contract.ts.
import {
  NOTES,
  isCanonicalSafeInteger,
  keys,
  MAX_SAMPLE_PRODUCTS,
  type IdType,
  type RecommendationResponse,
} from "../../worker/contract.js";
import type { Audience } from "../model/types.js";

export interface KvPair {
  key: string;
  value: string;
}

/** `number` only when every id of the build is a canonical safe integer. */
export function decideIdType(...idLists: string[][]): IdType {
  for (const ids of idLists) for (const id of ids) if (!isCanonicalSafeInteger(id)) return "string";
  return "number";
}

export function roundScore(score: number): number {
  return Math.round(score * 10_000) / 10_000;
}

export function jsonId(id: string, idType: IdType): string {
  return idType === "number" ? id : JSON.stringify(id);
}

export interface ResponseContext {
  version: string;
  generatedAt: string;
  idType: IdType;
  variants: number[];
  customerIds: string[];
}

/**
 * The bodies of every variant of one audience, smallest first. Items are rendered once
 * and each variant is a prefix join, so variant n is byte-for-byte a prefix of n+1's list.
 */
export function renderVariants(
  ctx: ResponseContext,
  productJson: string,
  audience: Audience,
  fallback: boolean,
): string[] {
  const maxN = ctx.variants[ctx.variants.length - 1];
  const size = Math.min(maxN, audience.customers.length);
  const items = new Array<string>(size);
  for (let i = 0; i < size; i++) {
    items[i] =
      `{"customer_id":${jsonId(ctx.customerIds[audience.customers[i]], ctx.idType)},` +
      `"score":${roundScore(audience.scores[i])},"rank":${i + 1}}`;
  }
  const tail =
    `,"model_version":${JSON.stringify(ctx.version)},"generated_at":${JSON.stringify(ctx.generatedAt)},` +
    `"fallback":${fallback},"note":${JSON.stringify(fallback ? NOTES.fallback : NOTES.ranked)}}`;
  return ctx.variants.map((n) => {
    const count = Math.min(n, size);
    return `{"product_id":${productJson},"recommendations":[${items.slice(0, count).join(",")}],"count":${count}${tail}`;
  });
}

/** Shape check used by tests and publish validation: the body parses as the contract says. */
export function parseResponse(body: string): RecommendationResponse {
  return JSON.parse(body) as RecommendationResponse;
}

export function* productPairs(ctx: ResponseContext, productId: string, audience: Audience): Generator<KvPair> {
  const bodies = renderVariants(ctx, jsonId(productId, ctx.idType), audience, false);
  for (let i = 0; i < ctx.variants.length; i++) {
    yield { key: keys.rec(ctx.version, productId, ctx.variants[i]), value: bodies[i] };
  }
}

/** The fallback is served for unknown product ids, so its product_id is filled per request by the worker: stored as null. */
export function* fallbackPairs(ctx: ResponseContext, audience: Audience): Generator<KvPair> {
  const bodies = renderVariants(ctx, "null", audience, true);
  for (let i = 0; i < ctx.variants.length; i++) {
    yield { key: keys.fallback(ctx.version, ctx.variants[i]), value: bodies[i] };
  }
}

export function samplePair(ctx: ResponseContext, productIds: string[]): KvPair {
  const sample = productIds.slice(0, MAX_SAMPLE_PRODUCTS).map((id) => (ctx.idType === "number" ? Number(id) : id));
  return { key: keys.sample(ctx.version), value: JSON.stringify(sample) };
}
