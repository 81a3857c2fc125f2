// Retarget audiences (docs/model.md, "Retarget audiences"): for each product, the customers
// who put it in their cart or wishlist and never bought it anywhere in the log, newest such
// event first (ties by customer id). Their score is the recency of that event,
// exp(-days before the log's newest event / recencyDecayDays): 1 for an event at the end of
// the log, e^-1 for one recencyDecayDays earlier, so the newest-first order is
// non-increasing in score by construction.
import { MS_PER_DAY } from "../ingest/dates.js";
import type { Interactions } from "../ingest/ingest.js";
import { type Groups, groupRows, newestFirst, newestTime } from "./groups.js";
import { compareIds } from "./ids.js";

/** Events that mark interest without a purchase, and the purchase that ends it. */
export const RETARGET_EVENTS = ["cart", "wishlist"] as const;
export const PURCHASE_EVENT = "purchased";

export interface RetargetAudience {
  product: number;
  /** Indices into Interactions.customers, newest event first. */
  customers: Int32Array;
  /** Epoch ms of each customer's newest cart or wishlist event for the product. */
  times: Float64Array;
  scores: Float64Array;
}

export interface RetargetOptions {
  maxN: number;
  recencyDecayDays: number;
  /** Customer ids that must never appear (opt-outs). */
  suppress?: Set<string>;
  /** "now" for the scores (default: the newest event of the log). */
  now?: number;
  /** The rows grouped by product newest first, when the caller has them (default: grouped here). */
  byProduct?: Groups;
}

function eventCodes(events: string[], names: readonly string[]): Set<number> {
  const codes = new Set<number>();
  events.forEach((e, i) => {
    if (names.includes(e.trim().toLowerCase())) codes.add(i);
  });
  return codes;
}

/** Every product's retarget audience, products without one left out, in product index order. */
export function retargetAudiences(data: Interactions, options: RetargetOptions): RetargetAudience[] {
  return [...eachRetargetAudience(data, options)];
}

/**
 * The same audiences one at a time, so a build can write each and drop it: held all at once
 * with their rendered values, they were the largest thing in a big build's memory. Rows grouped by product newest first, two passes over each product's rows with
 * per-customer stamps (no map of pairs): a product's buyers, then its interested
 * non-buyers in the order met, which is newest first; only runs of equal times are sorted
 * by id.
 */
export function* eachRetargetAudience(
  data: Interactions,
  options: RetargetOptions,
): Generator<RetargetAudience> {
  const interest = eventCodes(data.events, RETARGET_EVENTS);
  const purchase = eventCodes(data.events, [PURCHASE_EVENT]);
  const isInterest = new Uint8Array(256);
  const isPurchase = new Uint8Array(256);
  for (const e of interest) isInterest[e] = 1;
  for (const e of purchase) isPurchase[e] = 1;
  const C = data.customers.length;
  const P = data.products.length;
  const suppressed = new Uint8Array(C);
  if (options.suppress && options.suppress.size > 0)
    for (let c = 0; c < C; c++) if (options.suppress.has(data.customers[c])) suppressed[c] = 1;
  const byProduct = options.byProduct ?? groupRows(data.product, newestFirst(data), P);
  // stamp[c] = p + 1 once c bought p or was taken for p: either way c is done with p.
  const stamp = new Int32Array(C);
  const now = options.now ?? newestTime(data);
  const ids = data.customers;
  const { time, customer, event } = data;
  const taken: number[] = [];
  const takenTime: number[] = [];
  for (let p = 0; p < P; p++) {
    const from = byProduct.start[p];
    const to = byProduct.start[p + 1];
    for (let i = from; i < to; i++) {
      const r = byProduct.rows[i];
      if (isPurchase[event[r]]) {
        stamp[customer[r]] = p + 1;
      }
    }
    taken.length = 0;
    takenTime.length = 0;
    for (let i = from; i < to; i++) {
      const r = byProduct.rows[i];
      const c = customer[r];
      if (!isInterest[event[r]] || suppressed[c] || stamp[c] === p + 1) continue;
      stamp[c] = p + 1;
      taken.push(c);
      takenTime.push(time[r]);
    }
    if (taken.length === 0) continue;
    // Newest first already; equal times go by customer id (sorted only when two are equal:
    // most products have one or two such customers, and a sort per product cost more than
    // finding them).
    let tied = false;
    for (let k = 1; k < taken.length && !tied; k++) tied = takenTime[k] === takenTime[k - 1];
    const order = taken.map((_, k) => k);
    if (tied) order.sort((a, b) => takenTime[b] - takenTime[a] || compareIds(ids[taken[a]], ids[taken[b]]));
    const n = Math.min(options.maxN, order.length);
    const customers = new Int32Array(n);
    const times = new Float64Array(n);
    const scores = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      customers[k] = taken[order[k]];
      times[k] = takenTime[order[k]];
      scores[k] = Math.min(1, Math.exp(-Math.max(0, now - times[k]) / MS_PER_DAY / options.recencyDecayDays));
    }
    yield { product: p, customers, times, scores };
  }
}
