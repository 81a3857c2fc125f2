// The ranking numbers customers in engagement order (best first), not in the order the log
// first mentions them. The per-product loop reads customers' records, and the renderer
// their id bytes, at random; most of those reads go to the most engaged customers (on the
// generated 500k log the top fifth by engagement get 90% of the affinity visits and 99% of
// the audience slots), so numbered first they share cache lines and pages instead of being
// spread over tables of hundreds of megabytes. Measured: ranking 17% faster at 2M rows.
import type { Interactions } from "../ingest/ingest.js";
import type { Engagement } from "./engagement.js";

export interface Relabeled {
  /** The same interactions with customer k = engagement.order[k] of the input. */
  data: Interactions;
  /** Engagement in the new numbering (its order is therefore 0, 1, 2, ...). */
  engagement: Engagement;
  /** New customer index → the input's customer index. */
  customerOf: Int32Array;
}

export function relabelByEngagement(data: Interactions, engagement: Engagement): Relabeled {
  const C = data.customers.length;
  const customerOf = engagement.order;
  const newIndex = new Int32Array(C);
  for (let k = 0; k < C; k++) newIndex[customerOf[k]] = k;
  const customer = new Int32Array(data.count);
  for (let r = 0; r < data.count; r++) customer[r] = newIndex[data.customer[r]];
  const customers = new Array<string>(C);
  const score = new Float64Array(C);
  const lastActivity = new Float64Array(C);
  const order = new Int32Array(C);
  for (let k = 0; k < C; k++) {
    const c = customerOf[k];
    customers[k] = data.customers[c];
    score[k] = engagement.score[c];
    lastActivity[k] = engagement.lastActivity[c];
    order[k] = k;
  }
  return { data: { ...data, customers, customer }, engagement: { score, lastActivity, order }, customerOf };
}
