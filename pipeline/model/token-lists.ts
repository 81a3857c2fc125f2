// Per name token, its strongest customers (affinity.ts's name source): strength
// 1 − exp(−x), where x sums the customer's interactions with products carrying the token,
// each weighted by event weight (relative to the heaviest event) and by recency
// (exp(−age / recencyDecayDays)); best first by x, then engagement position.
//
// Computed customer by customer rather than token by token: a token walk jumps through
// every customer of a frequent word (a scratch the size of all customers, one cache miss
// per visit: the most expensive step of the preparation), whereas a customer walk touches
// only token-sized arrays, which stay in cache. A customer's rows are taken in product
// order, so each x is summed in the same order as a token walk would sum it.

import { MS_PER_DAY } from "../ingest/dates.js";
import type { Interactions } from "../ingest/ingest.js";
import { type Groups, newestTime } from "./groups.js";
import { sharedFloat32, sharedInt32 } from "./shared-arrays.js";
import { type ProductTokens, tokenizeProducts } from "./tokens.js";

export interface TokenLists {
  /** The customers of token t are customers[start[t] .. start[t + 1]), best first. */
  start: Int32Array;
  customers: Int32Array;
  strength: Float32Array;
}

/**
 * The k best (x, position) offers per token, best first: most x, then the smallest
 * position; an offer equal to a kept one on both (only suppressed customers share a
 * position, -1) never displaces it.
 */
export class BestPerToken {
  private readonly slotStart: Int32Array;
  private readonly size: Int32Array;
  private readonly customer: Int32Array;
  private readonly x: Float64Array;
  private readonly at: Int32Array;

  /** `capacity[t]`: how many token t keeps (at most the customers it can have). */
  constructor(capacity: Int32Array) {
    const T = capacity.length;
    this.slotStart = new Int32Array(T + 1);
    for (let t = 0; t < T; t++) this.slotStart[t + 1] = this.slotStart[t] + capacity[t];
    this.size = new Int32Array(T);
    const slots = this.slotStart[T];
    this.customer = new Int32Array(slots);
    this.x = new Float64Array(slots);
    this.at = new Int32Array(slots);
  }

  offer(t: number, c: number, x: number, at: number): void {
    const base = this.slotStart[t];
    const k = this.slotStart[t + 1] - base;
    const size = this.size[t];
    if (size === k) {
      // Most offers are no better than the weakest kept one.
      const w = base + k - 1;
      if (!(x > this.x[w] || (x === this.x[w] && at < this.at[w]))) return;
    }
    let slot = base + (size < k ? size : k - 1);
    if (size < k) this.size[t] = size + 1;
    while (slot > base) {
      const w = slot - 1;
      if (!(x > this.x[w] || (x === this.x[w] && at < this.at[w]))) break;
      this.customer[slot] = this.customer[w];
      this.x[slot] = this.x[w];
      this.at[slot] = this.at[w];
      slot = w;
    }
    this.customer[slot] = c;
    this.x[slot] = x;
    this.at[slot] = at;
  }

  /** Token t's kept customers and their x, best first. */
  kept(t: number): { customers: Int32Array; x: Float64Array } {
    const a = this.slotStart[t];
    const b = a + this.size[t];
    return { customers: this.customer.subarray(a, b), x: this.x.subarray(a, b) };
  }
}

/** The name source's inputs: each product's tokens and each token's list. */
export interface NameSource {
  tokens: ProductTokens;
  lists: TokenLists;
}

export interface TokenListInput {
  data: Interactions;
  byCustomer: Groups;
  /** The product of each row in by-customer order. */
  customerProduct: Int32Array;
  byProduct: Groups;
  tokens: ProductTokens;
  /** Position of each customer in the engagement order (-1: suppressed). */
  position: Int32Array;
  perToken: number;
  recencyDecayDays: number;
  /**
   * The order customers are offered in (default 0, 1, 2, ...). A list fills with the
   * first offers and then mostly refuses the rest; offered best engaged first, fewer offers
   * displace a kept one (measured: half the time of offering them in log order).
   */
  visit?: Int32Array;
  /** The newest row's time (default: found by a scan of the rows). */
  now?: number;
}

export function tokenLists(input: TokenListInput): TokenLists {
  const { data, byCustomer, customerProduct, byProduct, tokens, position, perToken } = input;
  const T = tokens.count;
  const C = data.customers.length;

  // Room per token: perToken, or fewer when fewer rows could reach it. Tokens on one
  // product only (df < 2) get no list: they cannot link two products.
  const capacity = new Int32Array(T);
  for (let p = 0; p < data.products.length; p++) {
    const rows = byProduct.start[p + 1] - byProduct.start[p];
    for (let i = tokens.start[p]; i < tokens.start[p + 1]; i++) {
      const t = tokens.tokens[i];
      if (tokens.df[t] >= 2 && capacity[t] < perToken) capacity[t] = Math.min(perToken, capacity[t] + rows);
    }
  }
  const best = new BestPerToken(capacity);

  let maxWeight = 0;
  for (const w of data.eventWeights) maxWeight = Math.max(maxWeight, w);
  maxWeight ||= 1;
  const now = input.now ?? newestTime(data);

  // Per token, for the current customer: a stamp (customer + 1) and the running x.
  const stamp = new Int32Array(T);
  const acc = new Float64Array(T);
  const touched = new Int32Array(T);
  // The current customer's rows (by-customer positions), sorted by product.
  let rows = new Int32Array(64);
  for (let v = 0; v < C; v++) {
    const c = input.visit ? input.visit[v] : v;
    const from = byCustomer.start[c];
    const n = byCustomer.start[c + 1] - from;
    if (rows.length < n) rows = new Int32Array(n * 2);
    // Insertion sort by product, stable: rows of one product keep their (newest first)
    // order, which is theirs in the by-product grouping too. Customers have about one row.
    for (let i = 0; i < n; i++) {
      const j = from + i;
      const p = customerProduct[j];
      let k = i;
      while (k > 0 && customerProduct[rows[k - 1]] > p) {
        rows[k] = rows[k - 1];
        k--;
      }
      rows[k] = j;
    }
    let size = 0;
    const mark = c + 1;
    for (let i = 0; i < n; i++) {
      const j = rows[i];
      const p = customerProduct[j];
      const r = byCustomer.rows[j];
      const w =
        (data.eventWeights[data.event[r]] / maxWeight) *
        Math.exp(-(now - data.time[r]) / MS_PER_DAY / input.recencyDecayDays);
      for (let k = tokens.start[p]; k < tokens.start[p + 1]; k++) {
        const t = tokens.tokens[k];
        if (capacity[t] === 0) continue;
        if (stamp[t] !== mark) {
          stamp[t] = mark;
          acc[t] = 0;
          touched[size++] = t;
        }
        acc[t] += w;
      }
    }
    const at = position[c];
    for (let i = 0; i < size; i++) best.offer(touched[i], c, acc[touched[i]], at);
  }

  const start = sharedInt32(T + 1);
  for (let t = 0; t < T; t++) start[t + 1] = start[t] + best.kept(t).customers.length;
  const customers = sharedInt32(start[T]);
  const strength = sharedFloat32(start[T]);
  for (let t = 0; t < T; t++) {
    const kept = best.kept(t);
    customers.set(kept.customers, start[t]);
    for (let i = 0; i < kept.x.length; i++) strength[start[t] + i] = 1 - Math.exp(-kept.x[i]);
  }
  return { start, customers, strength };
}

/**
 * The name source of `input.data`'s product names: their tokens (made here unless the
 * caller has them, as tokenizeProducts(data.productNames) makes them), and each token's list.
 */
export function nameSource(input: Omit<TokenListInput, "tokens"> & { tokens?: ProductTokens }): NameSource {
  const tokens = input.tokens ?? tokenizeProducts(input.data.productNames);
  return { tokens, lists: tokenLists({ ...input, tokens }) };
}
