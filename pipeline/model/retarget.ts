// Retarget audiences (docs/model.md, "Retarget audiences"): for each product, the customers
// who put it in their cart or wishlist and never bought it anywhere in the log, newest such
// event first (ties by customer id). Their score is the recency of that event,
// exp(-days before the log's newest event / recencyDecayDays): 1 for an event at the end of
// the log, e^-1 for one recencyDecayDays earlier, so the newest-first order is
// non-increasing in score by construction.

import { Column } from "../ingest/columns.js";
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

/**
 * Products per batch: small enough that a build's messages in flight (its serialize client
 * allows 16) stay a few megabytes, large enough that a message costs little against
 * rendering and writing its values.
 */
export const RETARGET_BATCH_PRODUCTS = 20_000;

/**
 * Retarget audiences of consecutive products, laid out flat: audience k is product
 * products[k], with customers, times and scores [offsets[k] .. offsets[k + 1]).
 */
export interface RetargetBatch {
  products: Int32Array;
  offsets: Int32Array;
  customers: Int32Array;
  times: Float64Array;
  scores: Float64Array;
}

/** Every product's retarget audience, products without one left out, in product index order. */
export function retargetAudiences(data: Interactions, options: RetargetOptions): RetargetAudience[] {
  const out: RetargetAudience[] = [];
  for (const b of eachRetargetBatch(data, options)) {
    for (let k = 0; k < b.products.length; k++) {
      const from = b.offsets[k];
      const to = b.offsets[k + 1];
      out.push({
        product: b.products[k],
        customers: b.customers.subarray(from, to),
        times: b.times.subarray(from, to),
        scores: b.scores.subarray(from, to),
      });
    }
  }
  return out;
}

/**
 * The same audiences, `batchProducts` products' worth at a time in flat arrays, so a build
 * can send each batch and drop it: three small arrays per audience would be millions of
 * short-lived objects at 20M rows. Rows grouped by product newest first, two passes over each product's rows with
 * per-customer stamps (no map of pairs): a product's buyers, then its interested
 * non-buyers in the order met, which is newest first; only runs of equal times are sorted
 * by id.
 */
export function* eachRetargetBatch(
  data: Interactions,
  options: RetargetOptions,
  batchProducts = RETARGET_BATCH_PRODUCTS,
): Generator<RetargetBatch> {
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
  const { start, rows } = byProduct;
  const products = new Column(Int32Array, 1024);
  const offsets = new Column(Int32Array, 1024);
  const customers = new Column(Int32Array, 1024);
  const times = new Column(Float64Array, 1024);
  offsets.push(0);
  for (let p = 0; p < P; p++) {
    const from = start[p];
    const to = start[p + 1];
    for (let i = from; i < to; i++) {
      const r = rows[i];
      if (isPurchase[event[r]]) stamp[customer[r]] = p + 1;
    }
    const first = customers.length;
    for (let i = from; i < to; i++) {
      const r = rows[i];
      if (!isInterest[event[r]]) continue;
      const c = customer[r];
      if (suppressed[c] || stamp[c] === p + 1) continue;
      stamp[c] = p + 1;
      customers.push(c);
      times.push(time[r]);
    }
    const taken = customers.length - first;
    if (taken === 0) continue;
    // Newest first already; equal times go by customer id (sorted only when two are equal:
    // most products have one or two such customers, and a sort per product cost more than
    // finding them).
    let tied = false;
    for (let k = first + 1; k < customers.length && !tied; k++) tied = times.data[k] === times.data[k - 1];
    if (tied) {
      const c = customers.data.slice(first, customers.length);
      const t = times.data.slice(first, times.length);
      const order = Array.from(c, (_, k) => k).sort(
        (a, b) => t[b] - t[a] || compareIds(ids[c[a]], ids[c[b]]),
      );
      order.forEach((k, at) => {
        customers.data[first + at] = c[k];
        times.data[first + at] = t[k];
      });
    }
    customers.length = times.length = first + Math.min(options.maxN, taken);
    products.push(p);
    offsets.push(customers.length);
    if (products.length === batchProducts) {
      yield flush(products, offsets, customers, times, now, options.recencyDecayDays);
      offsets.push(0);
    }
  }
  if (products.length > 0) yield flush(products, offsets, customers, times, now, options.recencyDecayDays);
}

/** The batch so far as right-sized arrays (scored here), and the columns emptied. */
function flush(
  products: Column<Int32Array>,
  offsets: Column<Int32Array>,
  customers: Column<Int32Array>,
  times: Column<Float64Array>,
  now: number,
  decayDays: number,
): RetargetBatch {
  const batch = {
    products: products.finish(),
    offsets: offsets.finish(),
    customers: customers.finish(),
    times: times.finish(),
    scores: new Float64Array(times.length),
  };
  for (let i = 0; i < batch.times.length; i++)
    batch.scores[i] = Math.min(1, Math.exp(-Math.max(0, now - batch.times[i]) / MS_PER_DAY / decayDays));
  products.length = offsets.length = customers.length = times.length = 0;
  return batch;
}
