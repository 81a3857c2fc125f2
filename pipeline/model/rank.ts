// Ranking: each product's audience = the best customers by
//   blend · affinity(customer, product) + (1 − blend) · engagement(customer),
// excluding customers who already interacted with the product, suppressed customers, and
// (with the exposure cap on) customers already in K top-10 audiences.
//
// Per product the work is bounded: the affinity candidates (bounded sets, see affinity.ts)
// are merged with the engagement order, which is walked only until the audience is full.
// Every non-candidate has affinity 0, so its score is (1 − blend) · engagement and the
// engagement order is already its order: the walk never scans all customers.
import { DEFAULT_N } from "../../worker/contract.js";
import type { Config } from "../config.js";
import type { Interactions } from "../ingest/ingest.js";
import { Affinity } from "./affinity.js";
import { customerTable } from "./customer-table.js";
import { computeEngagement, type Engagement } from "./engagement.js";
import { type Groups, gather, groupRows, newestFirst, renumberGroups } from "./groups.js";
import { compareIds } from "./ids.js";
import { Explainer } from "./reasons.js";
import { relabelByEngagement } from "./relabel.js";
import { sortByKeyDescending } from "./sort.js";
import type { ProductTokens } from "./tokens.js";
import type { Audience, Ranking } from "./types.js";

/** The exposure cap counts appearances at this audience size (the default response). */
export const EXPOSURE_LEVEL = DEFAULT_N;

export interface RankOptions {
  /** Customer ids that must never appear (opt-outs). */
  suppress?: Set<string>;
  /** Audience length (default: the largest variant). */
  maxN?: number;
  /** Overrides config.affinityBlend (0 = engagement only). */
  blend?: number;
  /** Products to rank, in this order (default: every product, in rankingOrder). */
  products?: Int32Array;
}

export function rank(input: Interactions, config: Config, options: RankOptions = {}): Ranking {
  const maxN = options.maxN ?? Math.max(...config.variants);
  const blend = options.blend ?? config.affinityBlend;
  const C = input.customers.length;
  const P = input.products.length;
  const order = newestFirst(input);
  const inputByCustomer = groupRows(input.customer, order, C);
  const { data, engagement, customerOf } = relabelByEngagement(
    input,
    computeEngagement(input, config, undefined, inputByCustomer),
  );
  const byCustomer = renumberGroups(inputByCustomer, customerOf);
  const byProduct = groupRows(data.product, order, P);

  const suppressed = new Uint8Array(C);
  let suppressedCustomers = 0;
  if (options.suppress && options.suppress.size > 0) {
    for (let c = 0; c < C; c++) {
      if (options.suppress.has(data.customers[c])) {
        suppressed[c] = 1;
        suppressedCustomers++;
      }
    }
  }
  const eligible = engagement.order.filter((c) => !suppressed[c]);
  const position = new Int32Array(C).fill(-1);
  eligible.forEach((c, i) => {
    position[c] = i;
  });

  const affinity = blend > 0 ? new Affinity(data, byProduct, byCustomer, config, position) : undefined;
  const ranker = new ProductRanker(
    data,
    engagement,
    eligible,
    position,
    suppressed,
    byProduct,
    gather(data.customer, byProduct.rows),
    affinity,
    {
      maxN,
      blend,
      cap: config.exposureCap,
    },
  );
  const products = options.products ?? rankingOrder(byProduct, P, config.exposureCap, affinity?.tokens);

  const fallbackSize = Math.min(maxN, eligible.length);
  const fallback: Audience = {
    customers: eligible.slice(0, fallbackSize),
    scores: Float64Array.from(eligible.subarray(0, fallbackSize), (c) => engagement.score[c]),
  };
  let explainer: Explainer | undefined;
  return {
    productCount: products.length,
    *audiences() {
      for (const p of products) yield [p, ranker.audienceFor(p)];
    },
    explain(p, audience, idType) {
      explainer ??= new Explainer(data, byCustomer, idType, affinity);
      return explainer.explain(p, audience, ranker.scratch);
    },
    fallback,
    suppressedCustomers,
    customerIds: data.customers,
    customerOf,
  };
}

/**
 * The order products are ranked (and written) in. With the exposure cap on it decides who
 * gets a capped customer: the products with the most rows first. Without the cap every order
 * gives the same audiences, so products go by name (their first two name tokens: mostly
 * brand and model, then index): neighbours share token lists and customers, whose records
 * are then still in cache. Ranking the 812k products of 2M rows took 16-18 s that way
 * against 22-25 s by reach.
 */
function rankingOrder(
  byProduct: Groups,
  P: number,
  cap: number,
  tokens: ProductTokens | undefined,
): Int32Array {
  const products = new Int32Array(P);
  for (let p = 0; p < P; p++) products[p] = p;
  const key = new Float64Array(P);
  if (cap > 0 || !tokens || tokens.count === 0) {
    for (let p = 0; p < P; p++) key[p] = byProduct.start[p + 1] - byProduct.start[p];
  } else {
    // Ascending (first token, second token), with "none" first, as one exact double.
    const base = tokens.count + 1;
    const token = (p: number, k: number) =>
      tokens.start[p] + k < tokens.start[p + 1] ? tokens.tokens[tokens.start[p] + k] + 1 : 0;
    for (let p = 0; p < P; p++) key[p] = -(token(p, 0) * base + token(p, 1));
  }
  return sortByKeyDescending(products, key, (a, b) => a - b);
}

interface RankerSettings {
  maxN: number;
  blend: number;
  /** 0 = off. */
  cap: number;
}

export class ProductRanker {
  /** Per customer: affinity scratch, marks, exposure, fill score and key (customer-table.ts). */
  private readonly table: Float64Array;
  /** Skip pointers over `eligible` past capped customers (union-find with path halving). */
  private readonly next: Int32Array | undefined;
  /** The affinity of the product ranked last (reasons.ts reads it). */
  readonly scratch;
  /**
   * Sort keys pack a score and the tie order into one double, so candidates sort natively
   * (a comparator per comparison was most of the ranking time): key = (SCALE − ⌊score·SCALE⌋)
   * · 2^bits + tieRank, ascending = best first. tieRank orders customers by latest activity,
   * then id. Scores are thereby resolved to 2^-(53−bits) (about 1e-9 for two million
   * customers), far below the 4 decimals served.
   */
  private readonly byTieRank: Int32Array;
  private readonly bits: number;
  private readonly scale: number;
  private readonly radix: number;
  private readonly keys: Float64Array;
  private readonly outCustomers: Int32Array;
  private readonly outScores: Float64Array;
  private stamp = 0;

  constructor(
    data: Interactions,
    engagement: Engagement,
    private readonly eligible: Int32Array,
    private readonly position: Int32Array,
    suppressed: Uint8Array,
    private readonly byProduct: Groups,
    /** The customer of each row in `byProduct` order. */
    private readonly productCustomer: Int32Array,
    private readonly affinity: Affinity | undefined,
    private readonly settings: RankerSettings,
  ) {
    const C = data.customers.length;
    const table = (this.table = customerTable(C));
    this.scratch = affinity?.scratch(table);
    if (settings.cap > 0) {
      this.next = new Int32Array(eligible.length + 1);
      for (let i = 0; i <= eligible.length; i++) this.next[i] = i;
    }
    this.byTieRank = new Int32Array(C);
    for (let c = 0; c < C; c++) this.byTieRank[c] = c;
    const last = engagement.lastActivity;
    const ids = data.customers;
    sortByKeyDescending(this.byTieRank, last, (a, b) => compareIds(ids[a], ids[b]));
    for (let r = 0; r < C; r++) table[this.byTieRank[r] * 8 + 4 /* TIE_RANK */] = r;
    this.bits = Math.max(1, Math.ceil(Math.log2(C + 1)));
    this.scale = 2 ** (53 - this.bits - 1);
    this.radix = 2 ** this.bits;
    this.keys = new Float64Array(C);
    for (let c = 0; c < C; c++) {
      const r = c * 8;
      // Every customer's score and key as a non-candidate (affinity 0): the same for every product.
      table[r + 3 /* FILL_SCORE */] = (1 - settings.blend) * engagement.score[c];
      table[r + 7 /* FILL_KEY */] = this.key(table[r + 3 /* FILL_SCORE */], table[r + 4 /* TIE_RANK */]);
      // Suppressed customers are never eligible: as if in every audience already.
      table[r + 6 /* EXPOSURE */] = suppressed[c] ? Infinity : 0;
    }
    this.outCustomers = new Int32Array(settings.maxN);
    this.outScores = new Float64Array(settings.maxN);
  }

  private alive(i: number): number {
    const next = this.next;
    if (!next) return i;
    while (next[i] !== i) {
      next[i] = next[next[i]];
      i = next[i];
    }
    return i;
  }

  /**
   * The position in `eligible`, from i on, of the next fill customer: not capped, and
   * neither excluded from nor a candidate of the current product (round `mark`).
   */
  private nextFill(i: number, mark: number): number {
    const { eligible, table } = this;
    i = this.alive(i);
    while (i < eligible.length && Math.abs(table[eligible[i] * 8 + 5 /* MARK */]) === mark)
      i = this.alive(i + 1);
    return i;
  }

  private key(score: number, tieRank: number): number {
    const q = Math.floor(Math.min(1, Math.max(0, score)) * this.scale);
    return (this.scale - q) * this.radix + tieRank;
  }

  /** The product's audience. The arrays are views reused by the next call: copy to keep them. */
  audienceFor(p: number): Audience {
    const { eligible, settings, keys, table } = this;
    const { maxN, blend, cap } = settings;
    const mark = ++this.stamp;
    for (let i = this.byProduct.start[p]; i < this.byProduct.start[p + 1]; i++) {
      table[this.productCustomer[i] * 8 + 5 /* MARK */] = mark;
    }

    // Candidates with affinity, keyed and sorted best first.
    let n = 0;
    if (this.affinity && this.scratch) {
      const s = this.scratch;
      this.affinity.collect(p, s);
      // Suppressed customers have exposure Infinity, so one comparison covers both.
      const limit = cap > 0 ? cap : Infinity;
      for (let k = 0; k < s.size; k++) {
        const c = s.touched[k];
        const r = c * 8;
        if (table[r + 5 /* MARK */] === mark || table[r + 6 /* EXPOSURE */] >= limit) continue;
        keys[n++] = this.key(
          blend * this.affinity.value(s, c) + table[r + 3 /* FILL_SCORE */],
          table[r + 4 /* TIE_RANK */],
        );
        // Marked so the engagement walk skips them (they are merged from the sorted keys).
        table[r + 5 /* MARK */] = -mark;
      }
    }
    // Only the maxN best candidates can make the audience: partition them to the front
    // (keys are distinct, so which ones is well defined) and sort just those.
    // Sorting is most of the cost here (measured: a sort of 200 doubles ≈ 10 µs, and products
    // have about 175 candidates on generated data), so select first whenever it halves the sort.
    if (n > maxN) {
      selectSmallest(keys, n, maxN);
      n = maxN;
    }
    const candidates = keys.subarray(0, n).sort();
    const { radix, scale } = this;

    // Merge the candidates with the engagement order.
    const customers = this.outCustomers;
    const scores = this.outScores;
    let size = 0;
    let j = 0;
    let i = this.nextFill(0, mark);
    while (size < maxN) {
      const f = i < eligible.length ? eligible[i] : -1;
      if (j < n && (f < 0 || candidates[j] < table[f * 8 + 7 /* FILL_KEY */])) {
        const key = candidates[j++];
        // radix is a power of two, so this split is exact (and far cheaper than `%` on doubles).
        const high = Math.floor(key / radix);
        customers[size] = this.byTieRank[key - high * radix];
        scores[size++] = (scale - high) / scale;
      } else if (f >= 0) {
        customers[size] = f;
        scores[size++] = table[f * 8 + 3 /* FILL_SCORE */];
        i = this.nextFill(i + 1, mark);
      } else break;
    }
    if (cap > 0) {
      for (let k = 0; k < Math.min(EXPOSURE_LEVEL, size); k++) {
        const c = customers[k];
        if (++table[c * 8 + 6 /* EXPOSURE */] >= cap) this.next![this.position[c]] = this.position[c] + 1;
      }
    }
    return { customers: customers.subarray(0, size), scores: scores.subarray(0, size) };
  }
}

/**
 * Moves the k smallest of keys[0..n) to keys[0..k) in any order (Hoare quickselect with a
 * median-of-three pivot); the keys must be distinct.
 */
export function selectSmallest(keys: Float64Array, n: number, k: number): void {
  let lo = 0;
  let hi = n - 1;
  while (hi > lo) {
    const mid = (lo + hi) >> 1;
    const a = keys[lo];
    const b = keys[mid];
    const c = keys[hi];
    // biome-ignore lint/complexity/useMathMinMax: a median of three by comparisons, as the sort it mirrors
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (keys[i] < pivot) i++;
      while (keys[j] > pivot) j--;
      if (i <= j) {
        const t = keys[i];
        keys[i] = keys[j];
        keys[j] = t;
        i++;
        j--;
      }
    }
    // keys[lo..j] <= pivot <= keys[i..hi], and anything between equals the pivot.
    if (k - 1 <= j) hi = j;
    else if (k - 1 >= i) lo = i;
    else return;
  }
}
