// Retarget audiences as stored values: one key per product that has one
// (`v/<version>/retarget/<id>`), holding the body for the largest variant. Most products
// have a handful of such customers, fewer than any n asked, so that body is the answer as
// stored; only a longer list is cut per request. Products without one get no key: the
// worker tells "known, nobody to retarget" from "unknown" by the product's own audience key.
import { keys, NOTES } from "../../worker/contract.js";
import type { RetargetAudience } from "../model/retarget.js";
import type { KvPair } from "./manifest.js";
import { productJsonOf, type ResponseContext, roundScore } from "./serialize.js";

/** The response body of one retarget audience (plain JSON, the contract's response shape). */
export function retargetBody(
  ctx: Omit<ResponseContext, "customerIds">,
  productId: string,
  customerIds: string[],
  audience: Pick<RetargetAudience, "customers" | "scores">,
  productName: string | null = null,
): string {
  const id = (c: number) => productJsonOf(customerIds[c], ctx.idType, '"');
  const items: string[] = [];
  for (let i = 0; i < audience.customers.length; i++)
    items.push(
      `{"customer_id":${id(audience.customers[i])},"score":${roundScore(audience.scores[i])},"rank":${i + 1}}`,
    );
  return (
    `{"product_id":${productJsonOf(productId, ctx.idType, '"')},"product_name":${JSON.stringify(productName)},` +
    `"recommendations":[${items.join(",")}],` +
    `"count":${items.length},"model_version":${JSON.stringify(ctx.version)},"generated_at":${JSON.stringify(ctx.generatedAt)},` +
    `"fallback":false,"note":${JSON.stringify(NOTES.retarget)}}`
  );
}

export function retargetPairs(
  ctx: Omit<ResponseContext, "customerIds">,
  productIds: string[],
  customerIds: string[],
  audiences: Iterable<RetargetAudience>,
  latestNames: (string | null)[],
): KvPair[] {
  return [...eachRetargetPair(ctx, productIds, customerIds, audiences, latestNames)];
}

/** The pairs one at a time, for a build that writes them in bounded batches. */
export function* eachRetargetPair(
  ctx: Omit<ResponseContext, "customerIds">,
  productIds: string[],
  customerIds: string[],
  audiences: Iterable<RetargetAudience>,
  latestNames: (string | null)[],
): Generator<KvPair> {
  for (const a of audiences)
    yield {
      key: keys.retarget(ctx.version, productIds[a.product]),
      value: retargetBody(ctx, productIds[a.product], customerIds, a, latestNames[a.product] ?? null),
    };
}
