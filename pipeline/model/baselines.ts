// The audiences the full model is compared with on the same split (docs/model.md).

import { seededRandom } from "../generate/random.js";
import { MS_PER_DAY } from "../ingest/dates.js";
import type { Interactions } from "../ingest/ingest.js";
import { sortCustomers } from "./engagement.js";
import { type Groups, newestTime } from "./groups.js";

/** What the reference implementation served (docs/data.md): recent interactions (last `windowDays`) ÷ (days since last + 1), one global order. */
export function activityOrder(data: Interactions, windowDays = 30): Int32Array {
  const n = data.customers.length;
  const now = newestTime(data);
  const recent = new Float64Array(n);
  const last = new Float64Array(n).fill(-Infinity);
  for (let r = 0; r < data.count; r++) {
    const c = data.customer[r];
    if (now - data.time[r] <= windowDays * MS_PER_DAY) recent[c]++;
    if (data.time[r] > last[c]) last[c] = data.time[r];
  }
  const score = new Float64Array(n);
  for (let c = 0; c < n; c++) score[c] = recent[c] / ((now - last[c]) / MS_PER_DAY + 1);
  const order = new Int32Array(n);
  for (let c = 0; c < n; c++) order[c] = c;
  return sortCustomers(order, score, last, data.customers);
}

/** The first k of a global order, minus the product's own customers. */
export function fromGlobalOrder(
  order: Int32Array,
  byProduct: Groups,
  customerOf: Int32Array,
  p: number,
  k: number,
): Int32Array {
  const own = new Set<number>();
  for (let i = byProduct.start[p]; i < byProduct.start[p + 1]; i++) own.add(customerOf[byProduct.rows[i]]);
  const out: number[] = [];
  for (let i = 0; i < order.length && out.length < k; i++) if (!own.has(order[i])) out.push(order[i]);
  return Int32Array.from(out);
}

/** k distinct random customers, minus the product's own customers. */
export function randomAudience(
  customerCount: number,
  byProduct: Groups,
  customerOf: Int32Array,
  p: number,
  k: number,
  rng: () => number,
): Int32Array {
  const taken = new Set<number>();
  for (let i = byProduct.start[p]; i < byProduct.start[p + 1]; i++) taken.add(customerOf[byProduct.rows[i]]);
  const available = customerCount - taken.size;
  const want = Math.min(k, available);
  const out: number[] = [];
  while (out.length < want) {
    const c = Math.floor(rng() * customerCount);
    if (taken.has(c)) continue;
    taken.add(c);
    out.push(c);
  }
  return Int32Array.from(out);
}

export { seededRandom };
