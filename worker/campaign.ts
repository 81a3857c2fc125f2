// A campaign audience from stored audiences: the union of the products' largest variants,
// each customer once at their best score, ranked, with the campaign's holdout flag. Parses
// the stored values (the only route that must), so it is written to stay within a few ms
// for 100 products of 100 customers each.
import {
  CAMPAIGN_CSV_COLUMNS,
  type CampaignRecommendation,
  type CampaignResponse,
  compareIds,
  type JsonId,
  type RecommendationResponse,
} from "./contract.js";
import { holdoutFraction, isHeldOut } from "./holdout.js";

export interface Candidate {
  customerId: JsonId;
  /** The id as a string: the holdout hash and the tie order use it. */
  key: string;
  score: number;
  /** Index of the product that gave the best score (in the request's order); -1 for the fallback. */
  product: number;
}

interface Entry {
  customerId: JsonId;
  key: string;
  score: number;
}

/**
 * Stored audiences parsed once per isolate: parsing is most of a campaign's CPU (about
 * 3 ms for 100 audiences of 100), and campaigns ask for the same hot products again. Keyed
 * by KV key and checked against the text, so a different value under a key is parsed anew.
 * Bounded by entries (about 10 KB each at 100 customers); when full the oldest go first.
 */
const parsed = new Map<string, { body: string; entries: Entry[] }>();
const MAX_PARSED = 2000;

/** Test hook: forget the parsed audiences. */
export function resetParsedAudiences(): void {
  parsed.clear();
}

function entriesOf(cacheKey: string, body: string): Entry[] {
  const hit = parsed.get(cacheKey);
  if (hit !== undefined && hit.body === body) return hit.entries;
  const entries = (JSON.parse(body) as RecommendationResponse).recommendations.map((r) => ({
    customerId: r.customer_id,
    key: String(r.customer_id),
    score: r.score,
  }));
  parsed.delete(cacheKey);
  parsed.set(cacheKey, { body, entries });
  if (parsed.size > MAX_PARSED) parsed.delete(parsed.keys().next().value as string);
  return entries;
}

/**
 * Every customer of the stored audiences once, at their highest score, with the product
 * that gave it; on equal scores the earlier product keeps the customer. `stored[i]` is the
 * value of product i under KV key `keys[i]`, null for a product the build never saw.
 */
export function unionOf(keys: readonly string[], stored: readonly (string | null)[]): Candidate[] {
  const best = new Map<string, Candidate>();
  for (let p = 0; p < stored.length; p++) {
    const body = stored[p];
    if (body === null) continue;
    for (const e of entriesOf(keys[p], body)) {
      const seen = best.get(e.key);
      if (seen === undefined)
        best.set(e.key, { customerId: e.customerId, key: e.key, score: e.score, product: p });
      else if (e.score > seen.score) {
        seen.score = e.score;
        seen.product = p;
      }
    }
  }
  return [...best.values()];
}

/** The fallback audience as candidates without a product. */
export function fallbackCandidates(key: string, body: string): Candidate[] {
  return entriesOf(key, body).map((e) => ({ ...e, product: -1 }));
}

const byScoreThenId = (a: Candidate, b: Candidate) => b.score - a.score || compareIds(a.key, b.key);

/**
 * The best n by score, then the build's tie order of ids. Only the candidates at or above
 * the n-th best score are sorted with the comparator: a numeric sort finds that score.
 */
export function topCandidates(candidates: Candidate[], n: number): Candidate[] {
  let pool = candidates;
  if (candidates.length > n) {
    const scores = Float64Array.from(candidates, (c) => c.score).sort();
    const threshold = scores[scores.length - n];
    pool = candidates.filter((c) => c.score >= threshold);
  }
  return pool.sort(byScoreThenId).slice(0, n);
}

export interface CampaignAnswer {
  campaign: string;
  productIds: JsonId[];
  unknownProducts: JsonId[];
  modelVersion: string;
  generatedAt: string;
  fallback: boolean;
  holdoutPct: number;
}

/** The answer's body: ranks, products and holdout flags of the chosen candidates. */
export function campaignResponse(top: Candidate[], a: CampaignAnswer): CampaignResponse {
  let held = 0;
  const recommendations = top.map((c, i): CampaignRecommendation => {
    const holdout = a.holdoutPct > 0 && isHeldOut(holdoutFraction(a.campaign, c.key), a.holdoutPct);
    if (holdout) held++;
    return {
      customer_id: c.customerId,
      score: c.score,
      rank: i + 1,
      product_id: c.product < 0 ? null : a.productIds[c.product],
      holdout,
    };
  });
  return {
    campaign: a.campaign,
    product_ids: a.productIds,
    recommendations,
    count: recommendations.length,
    targeted: recommendations.length - held,
    holdout: held,
    unknown_products: a.unknownProducts,
    model_version: a.modelVersion,
    generated_at: a.generatedAt,
    fallback: a.fallback,
  };
}

/** `customer_id,score,rank,product_id,holdout`; ids are token characters, nothing needs quoting. */
export function campaignCsv(body: CampaignResponse): string {
  let csv = `${CAMPAIGN_CSV_COLUMNS.join(",")}\n`;
  for (const r of body.recommendations)
    csv += `${r.customer_id},${r.score},${r.rank},${r.product_id ?? ""},${r.holdout}\n`;
  return csv;
}
