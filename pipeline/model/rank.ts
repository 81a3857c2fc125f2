// Ranking: each product's audience from the engagement order, excluding customers who
// already interacted with the product. Work per product is O(n + its own customers),
// never O(all customers).
import type { Config } from "../config.js";
import type { Interactions } from "../ingest/ingest.js";
import { computeEngagement } from "./engagement.js";
import type { Audience, Ranking } from "./types.js";

export interface RankOptions {
  /** Customer ids that must never appear (opt-outs). */
  suppress?: Set<string>;
}

export function rank(data: Interactions, config: Config, options: RankOptions = {}): Ranking {
  const maxN = Math.max(...config.variants);
  const engagement = computeEngagement(data, config);
  const suppressed = new Uint8Array(data.customers.length);
  let suppressedCustomers = 0;
  if (options.suppress) {
    data.customers.forEach((id, c) => {
      if (options.suppress!.has(id)) {
        suppressed[c] = 1;
        suppressedCustomers++;
      }
    });
  }
  const eligible = engagement.order.filter((c) => !suppressed[c]);

  // Customers per product (CSR layout).
  const start = new Int32Array(data.products.length + 1);
  for (let r = 0; r < data.count; r++) start[data.product[r] + 1]++;
  for (let p = 0; p < data.products.length; p++) start[p + 1] += start[p];
  const fill = start.slice(0, data.products.length);
  const members = new Int32Array(data.count);
  for (let r = 0; r < data.count; r++) members[fill[data.product[r]]++] = data.customer[r];

  const take = (exclude: Set<number>): Audience => {
    const customers: number[] = [];
    const scores: number[] = [];
    for (let i = 0; i < eligible.length && customers.length < maxN; i++) {
      const c = eligible[i];
      if (exclude.has(c)) continue;
      customers.push(c);
      scores.push(engagement.score[c]);
    }
    return { customers: Int32Array.from(customers), scores: Float64Array.from(scores) };
  };
  return {
    productCount: data.products.length,
    audienceFor: (p) => take(new Set(members.subarray(start[p], start[p + 1]))),
    fallback: take(new Set()),
    suppressedCustomers,
  };
}
