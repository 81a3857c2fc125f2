// Retarget audiences (docs/model.md, "Retarget audiences"): for each product, the customers
// who put it in their cart or wishlist and never bought it anywhere in the log, newest such
// event first (ties by customer id). Their score is the recency of that event,
// exp(-days before the log's newest event / recencyDecayDays): 1 for an event at the end of
// the log, e^-1 for one recencyDecayDays earlier, so the newest-first order is
// non-increasing in score by construction.
import { MS_PER_DAY } from "../ingest/dates.js";
import type { Interactions } from "../ingest/ingest.js";
import { newestTime } from "./groups.js";
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
}

function eventCodes(events: string[], names: readonly string[]): Set<number> {
  const codes = new Set<number>();
  events.forEach((e, i) => {
    if (names.includes(e.trim().toLowerCase())) codes.add(i);
  });
  return codes;
}

/**
 * Every product's retarget audience, products without one left out, in product index
 * order. One pass over the rows plus a sort of each product's (few) customers.
 */
export function retargetAudiences(data: Interactions, options: RetargetOptions): RetargetAudience[] {
  const interest = eventCodes(data.events, RETARGET_EVENTS);
  const purchase = eventCodes(data.events, [PURCHASE_EVENT]);
  const C = data.customers.length;
  // (product, customer) pairs as one exact double: P·C stays far below 2^53.
  const bought = new Set<number>();
  for (let r = 0; r < data.count; r++)
    if (purchase.has(data.event[r])) bought.add(data.product[r] * C + data.customer[r]);
  const suppressed = new Uint8Array(C);
  if (options.suppress && options.suppress.size > 0)
    for (let c = 0; c < C; c++) if (options.suppress.has(data.customers[c])) suppressed[c] = 1;

  // Newest interest per (product, customer) that never turned into a purchase.
  const newest = new Map<number, number>();
  for (let r = 0; r < data.count; r++) {
    if (!interest.has(data.event[r])) continue;
    const c = data.customer[r];
    if (suppressed[c]) continue;
    const pair = data.product[r] * C + c;
    if (bought.has(pair)) continue;
    const t = newest.get(pair);
    if (t === undefined || data.time[r] > t) newest.set(pair, data.time[r]);
  }
  const byProduct = new Map<number, number[]>();
  for (const pair of newest.keys()) {
    const p = Math.floor(pair / C);
    let list = byProduct.get(p);
    if (!list) byProduct.set(p, (list = []));
    list.push(pair - p * C);
  }
  const now = options.now ?? newestTime(data);
  const ids = data.customers;
  const out: RetargetAudience[] = [];
  for (const p of [...byProduct.keys()].sort((a, b) => a - b)) {
    const list = byProduct.get(p)!;
    const time = (c: number) => newest.get(p * C + c)!;
    list.sort((a, b) => time(b) - time(a) || compareIds(ids[a], ids[b]));
    const customers = Int32Array.from(list.slice(0, options.maxN));
    const times = Float64Array.from(customers, time);
    const scores = Float64Array.from(times, (t) =>
      Math.min(1, Math.exp(-Math.max(0, now - t) / MS_PER_DAY / options.recencyDecayDays)),
    );
    out.push({ product: p, customers, times, scores });
  }
  return out;
}
