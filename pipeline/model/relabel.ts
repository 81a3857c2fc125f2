// The ranking numbers customers in the order the product loop first visits them, not in
// the order the log first mentions them. Per product the loop reads a few hundred
// customers' records (customer-table.ts): those on the lists of the product's name tokens,
// then its own customers. Numbered at random, each read is a cache miss in a table of
// hundreds of megabytes at millions of rows; numbered in visit order, a token's list is a
// run of neighbouring records, read in sequence wherever it recurs, and neighbouring
// products (ranked by name: rank.ts) share pages. The renderer reads the audience's id
// bytes in the same numbering, so it gains the same way. The engagement walk reads only the
// top of the engagement order, the same few hundred customers for every product, which stay
// in cache however they are numbered.
import type { Interactions } from "../ingest/ingest.js";
import type { Engagement } from "./engagement.js";
import type { Groups } from "./groups.js";
import type { NameSource } from "./token-lists.js";

export interface Relabeled {
  /** The same interactions with customer k = customerOf[k] of the input. */
  data: Interactions;
  /** Engagement in the new numbering (its order lists new indices). */
  engagement: Engagement;
  /** New customer index → the input's customer index. */
  customerOf: Int32Array;
  /** The input's customer index → new index. */
  newIndex: Int32Array;
}

/**
 * customerOf for visit order: walking `products` in order, the customers on each of its
 * tokens' lists (`lists`, in the input's numbering), then its own customers (`productCustomer`
 * by `byProduct`), each numbered when first met; anyone never met follows in engagement order.
 */
export function visitOrder(
  products: Int32Array,
  byProduct: Groups,
  productCustomer: Int32Array,
  names: NameSource | undefined,
  engagementOrder: Int32Array,
): Int32Array {
  const C = engagementOrder.length;
  const customerOf = new Int32Array(C);
  const met = new Uint8Array(C);
  // A token's list is met whole the first time, so a recurring token is skipped.
  const listMet = new Uint8Array(names ? names.tokens.count : 0);
  let next = 0;
  for (let k = 0; k < products.length; k++) {
    const p = products[k];
    if (names) {
      const { tokens, lists } = names;
      for (let i = tokens.start[p]; i < tokens.start[p + 1]; i++) {
        const t = tokens.tokens[i];
        if (listMet[t] === 1) continue;
        listMet[t] = 1;
        for (let j = lists.start[t]; j < lists.start[t + 1]; j++)
          next = meet(lists.customers[j], met, customerOf, next);
      }
    }
    for (let i = byProduct.start[p]; i < byProduct.start[p + 1]; i++)
      next = meet(productCustomer[i], met, customerOf, next);
  }
  for (let k = 0; k < C; k++) next = meet(engagementOrder[k], met, customerOf, next);
  return customerOf;
}

/** Numbers customer c next (at `next`) unless already met; returns the next free number. */
function meet(c: number, met: Uint8Array, customerOf: Int32Array, next: number): number {
  if (met[c] === 1) return next;
  met[c] = 1;
  customerOf[next] = c;
  return next + 1;
}

export function relabel(data: Interactions, engagement: Engagement, customerOf: Int32Array): Relabeled {
  const C = data.customers.length;
  const newIndex = new Int32Array(C);
  for (let k = 0; k < C; k++) newIndex[customerOf[k]] = k;
  const customer = new Int32Array(data.count);
  for (let r = 0; r < data.count; r++) customer[r] = newIndex[data.customer[r]];
  const customers = new Array<string>(C);
  const score = new Float64Array(C);
  const lastActivity = new Float64Array(C);
  const order = new Int32Array(C);
  // Read in the input's order, write at random: stores overlap where loads would wait.
  for (let c = 0; c < C; c++) {
    const k = newIndex[c];
    customers[k] = data.customers[c];
    score[k] = engagement.score[c];
    lastActivity[k] = engagement.lastActivity[c];
  }
  for (let k = 0; k < C; k++) order[k] = newIndex[engagement.order[k]];
  return {
    data: { ...data, customers, customer },
    engagement: { score, lastActivity, order },
    customerOf,
    newIndex,
  };
}
