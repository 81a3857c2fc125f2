// audience=retarget (docs/contract.md, "Audience kinds"): the customers who carted or
// wishlisted a product and never bought it. The build stores one body per product that has
// any (keys.retarget, the largest variant); it is served as stored whenever it holds no
// more than n customers, which is nearly always. A product without that key is either
// known with nobody to retarget (it has its own audience key) or unknown to the build.
import { responseId } from "./audience.js";
import type { Config } from "./config.js";
import { keys, NOTES, type Pointer, type RecommendationResponse } from "./contract.js";
import { type AudiencePlan, inFormat } from "./recommend-answer.js";
import { readValue, readValues } from "./store.js";

/** Distinct from the prospects' tag for the same product, n and format. */
export function retargetEtag(plan: AudiencePlan): string {
  const { pointer, req, format } = plan;
  return `"${pointer.version}/${req.productId}/${req.n}/retarget${format === "csv" ? "/csv" : ""}"`;
}

/** The stored body cut to n customers (parsed only when it holds more). */
export function cutRetarget(stored: string, n: number): string {
  const at = stored.lastIndexOf('"count":');
  const count = at < 0 ? Number.NaN : Number.parseInt(stored.slice(at + 8), 10);
  if (count <= n) return stored;
  const parsed = JSON.parse(stored) as RecommendationResponse;
  parsed.recommendations = parsed.recommendations.slice(0, n);
  parsed.count = parsed.recommendations.length;
  return JSON.stringify(parsed);
}

/** The product's name from its own stored audience (the empty answer has no list to show, so parsing is cheap enough). */
function storedName(own: string): string | null {
  return (JSON.parse(own) as RecommendationResponse).product_name ?? null;
}

/** The empty answer: a known product with nobody to retarget, or a product the build never saw. */
export function emptyRetarget(pointer: Pointer, productId: string, own: string | null): string {
  const body: RecommendationResponse = {
    product_id: responseId(productId, pointer),
    product_name: own === null ? null : storedName(own),
    recommendations: [],
    count: 0,
    model_version: pointer.version,
    generated_at: pointer.generated_at,
    fallback: own === null,
    note: own !== null ? NOTES.retargetNone : NOTES.retargetUnknown,
  };
  return JSON.stringify(body);
}

/** The JSON body for one product from its stored retarget value, or the product's own key (known or not). */
export function retargetBody(
  pointer: Pointer,
  productId: string,
  n: number,
  stored: string | null,
  own: string | null,
): string {
  return stored !== null ? cutRetarget(stored, n) : emptyRetarget(pointer, productId, own);
}

/** GET's answer: reads the retarget key, and the product's own key only when that is missing. */
export async function retargetContent(kv: KVNamespace, config: Config, plan: AudiencePlan): Promise<string> {
  const { pointer, req } = plan;
  const stored = await readValue(kv, config, keys.retarget(pointer.version, req.productId));
  const own = stored === null ? await readValue(kv, config, req.recKey) : null;
  const body = retargetBody(pointer, req.productId, req.n, stored, own);
  return inFormat(plan, body, `audience-${req.productId}-${req.n}-retarget`);
}

/** The batch route's bodies, in request order: two bulk reads at most. */
export async function retargetBatch(
  kv: KVNamespace,
  config: Config,
  pointer: Pointer,
  requests: { productId: string; n: number; recKey: string }[],
): Promise<string[]> {
  const retargetKeys = requests.map((r) => keys.retarget(pointer.version, r.productId));
  const stored = await readValues(kv, config, retargetKeys);
  const missing = requests.filter((_, i) => stored.get(retargetKeys[i]) === null);
  const own =
    missing.length > 0
      ? await readValues(
          kv,
          config,
          missing.map((r) => r.recKey),
        )
      : new Map();
  return requests.map((r, i) =>
    retargetBody(pointer, r.productId, r.n, stored.get(retargetKeys[i]) ?? null, own.get(r.recKey) ?? null),
  );
}
