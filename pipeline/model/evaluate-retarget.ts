// How often each audience buys in the test period (docs/model.md, "Retarget audiences"):
// the share of audience slots (customer, product) whose customer purchases that product in
// the test period, for the retarget audiences built from the training part and for the
// full model's prospects. A ratio of sums over products, with a bootstrap interval over
// products (bootstrap.ts).
import type { Interactions } from "../ingest/ingest.js";
import { type Interval, meanOf, ratioInterval, replicateMeans, sparse } from "./bootstrap.js";
import { PURCHASE_EVENT, retargetAudiences } from "./retarget.js";

export interface BuyRate {
  /** Products with such an audience. */
  products: number;
  /** Audience slots judged (customer, product). */
  pairs: number;
  /** Slots whose customer purchased the product in the test period. */
  buyers: number;
  /** buyers ÷ pairs, with its 95% interval over products. */
  rate: Interval | null;
  /** Share of products where at least one audience customer bought. */
  products_with_buyer: number;
}

export interface RetargetEvaluation {
  retarget: BuyRate;
  /** The full model's prospects at 10 and at the largest k, on the evaluated products. */
  prospects: Record<string, BuyRate>;
}

/** Train (product, customer) pairs bought in the test rows, as product · C + customer. */
export function testPurchases(data: Interactions, testRows: Int32Array, train: Interactions): Set<number> {
  const product = new Map(train.products.map((id, p) => [id, p]));
  const customer = new Map(train.customers.map((id, c) => [id, c]));
  const purchase = data.events.findIndex((e) => e.trim().toLowerCase() === PURCHASE_EVENT);
  const C = train.customers.length;
  const out = new Set<number>();
  for (const r of testRows) {
    if (data.event[r] !== purchase) continue;
    const p = product.get(data.products[data.product[r]]);
    const c = customer.get(data.customers[data.customer[r]]);
    if (p !== undefined && c !== undefined) out.add(p * C + c);
  }
  return out;
}

export function buyRate(
  audiences: { product: number; customers: ArrayLike<number> }[],
  bought: Set<number>,
  C: number,
  k = Infinity,
): BuyRate {
  const n = audiences.length;
  const sizes = new Float64Array(n);
  const buyers = new Float64Array(n);
  audiences.forEach((a, i) => {
    const m = Math.min(k, a.customers.length);
    sizes[i] = m;
    for (let j = 0; j < m; j++) if (bought.has(a.product * C + a.customers[j])) buyers[i]++;
  });
  const num = sparse(buyers);
  const den = sparse(sizes);
  const [numReps, denReps] = replicateMeans([num, den], n, undefined, "retarget");
  const pairs = sizes.reduce((s, x) => s + x, 0);
  const found = buyers.reduce((s, x) => s + x, 0);
  return {
    products: n,
    pairs,
    buyers: found,
    rate: ratioInterval(meanOf(num, n), meanOf(den, n), numReps, denReps),
    products_with_buyer: n > 0 ? buyers.filter((b) => b > 0).length / n : 0,
  };
}

export function evaluateRetarget(
  data: Interactions,
  testRows: Int32Array,
  train: Interactions,
  recencyDecayDays: number,
  prospects: { product: number; customers: ArrayLike<number> }[],
  ks: number[],
): RetargetEvaluation {
  const bought = testPurchases(data, testRows, train);
  const C = train.customers.length;
  const maxK = Math.max(...ks);
  const retarget = retargetAudiences(train, { maxN: maxK, recencyDecayDays });
  const out: Record<string, BuyRate> = {};
  for (const k of [...new Set([10, maxK])]) out[k] = buyRate(prospects, bought, C, k);
  return { retarget: buyRate(retarget, bought, C), prospects: out };
}
