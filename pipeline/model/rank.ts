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
import { type Config, exposureCapFor } from "../config.js";
import { Column } from "../ingest/columns.js";
import type { Interactions } from "../ingest/ingest.js";
import { Affinity } from "./affinity.js";
import { customerTable } from "./customer-table.js";
import { computeEngagement, type Engagement } from "./engagement.js";
import { type Groups, gather, groupRows, newestFirst, newestIn, renumberGroups } from "./groups.js";
import { compareIds } from "./ids.js";
import { EvidenceTaker, reasonsInput } from "./reasons.js";
import { relabel, visitOrder } from "./relabel.js";
import { sortByKeysDescending } from "./sort.js";
import { nameSource } from "./token-lists.js";
import type { ProductTokens } from "./tokens.js";
import { type Audience, type Ranking, RESTART } from "./types.js";

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
  /**
   * With the exposure cap on, whether restartableAudiences() first ranks once on the guess
   * that the cap will not bind (types.ts); default: decided from a sample of products
   * (fairPassPlan). Tests force either way.
   */
  speculate?: boolean;
  /** The rows grouped and the customers scored, when the caller made them (groupAndScore). */
  grouped?: Grouped;
  /** The product names' tokens, when the caller has them: exactly tokenizeProducts(input.productNames). */
  tokens?: ProductTokens;
}

/** The first part of a ranking's preparation, which needs no product names. */
export interface Grouped {
  /** The newest row's time. */
  newest: number;
  /** Rows by customer and by product, newest first. */
  byCustomer: Groups;
  byProduct: Groups;
  engagement: Engagement;
}

/**
 * Rows grouped by customer and by product, and every customer's engagement: a build does this
 * while its serialize thread tokenizes the product names, then ranks with both.
 */
export function groupAndScore(input: Interactions, config: Config): Grouped {
  const order = newestFirst(input);
  const newest = newestIn(input, order);
  const byCustomer = groupRows(input.customer, order, input.customers.length);
  const byProduct = groupRows(input.product, order, input.products.length);
  return { newest, byCustomer, byProduct, engagement: computeEngagement(input, config, newest, byCustomer) };
}

export function rank(input: Interactions, config: Config, options: RankOptions = {}): Ranking {
  const maxN = options.maxN ?? Math.max(...config.variants);
  const blend = options.blend ?? config.affinityBlend;
  const C = input.customers.length;
  const P = input.products.length;
  const {
    newest,
    byCustomer: inputByCustomer,
    byProduct,
    engagement: inputEngagement,
  } = options.grouped ?? groupAndScore(input, config);

  const inputSuppressed = new Uint8Array(C);
  let suppressedCustomers = 0;
  if (options.suppress && options.suppress.size > 0) {
    for (let c = 0; c < C; c++) {
      if (options.suppress.has(input.customers[c])) {
        inputSuppressed[c] = 1;
        suppressedCustomers++;
      }
    }
  }
  // The name lists are made before customers are renumbered: the numbering follows them
  // (relabel.ts).
  const names =
    blend > 0 && config.affinitySources.names > 0
      ? nameSource({
          data: input,
          byCustomer: inputByCustomer,
          customerProduct: gather(input.product, inputByCustomer.rows),
          byProduct,
          position: positions(inputEngagement.order, inputSuppressed),
          perToken: config.tokenCustomers,
          recencyDecayDays: config.recencyDecayDays,
          visit: inputEngagement.order,
          now: newest,
          tokens: options.tokens,
        })
      : undefined;
  const products = options.products ?? rankingOrder(byProduct, P, names?.tokens);
  const inputProductCustomer = gather(input.customer, byProduct.rows);
  const { data, engagement, customerOf, newIndex } = relabel(
    input,
    inputEngagement,
    visitOrder(products, byProduct, inputProductCustomer, names, inputEngagement.order),
  );
  const byCustomer = renumberGroups(inputByCustomer, customerOf);
  // gather(data.customer, byProduct.rows) in the new numbering, without reading the rows again.
  const productCustomer = inputProductCustomer;
  for (let i = 0; i < productCustomer.length; i++) productCustomer[i] = newIndex[productCustomer[i]];
  if (names)
    for (let j = 0; j < names.lists.customers.length; j++)
      names.lists.customers[j] = newIndex[names.lists.customers[j]];
  const suppressed = new Uint8Array(C);
  for (let k = 0; k < C; k++) suppressed[k] = inputSuppressed[customerOf[k]];
  const position = positions(engagement.order, suppressed);
  const eligible = new Int32Array(C - suppressedCustomers);
  for (let k = 0, i = 0; k < C; k++)
    if (!suppressed[engagement.order[k]]) eligible[i++] = engagement.order[k];

  const affinity =
    blend > 0
      ? new Affinity(data, byProduct, byCustomer, config, position, engagement.score, names, productCustomer)
      : undefined;
  const cap = exposureCapFor(config.exposureCap, products.length);
  const ranker = new ProductRanker(
    data,
    engagement,
    eligible,
    position,
    suppressed,
    byProduct,
    productCustomer,
    affinity,
    {
      maxN,
      blend,
      cap,
    },
  );

  const fallbackSize = Math.min(maxN, eligible.length);
  // A loop, not a callback: a closure over `engagement` would keep its per-customer arrays
  // (20 bytes a customer) alive as long as the ranking's own closures.
  const fallbackScores = new Float64Array(fallbackSize);
  for (let i = 0; i < fallbackSize; i++) fallbackScores[i] = engagement.score[eligible[i]];
  const fallback: Audience = { customers: eligible.slice(0, fallbackSize), scores: fallbackScores };
  const evidence = new EvidenceTaker(affinity);
  return {
    productCount: products.length,
    *audiences() {
      if (cap > 0) ranker.assignByFit(products);
      for (const p of products) yield [p, ranker.audienceFor(p)];
    },
    *restartableAudiences() {
      if (cap > 0) {
        const sample = options.speculate === undefined ? sampleExposure(ranker, products, C) : undefined;
        if (options.speculate ?? fairPassPlan(sample!, cap, products.length) === "speculate") {
          let bound = false;
          for (const p of products) {
            const audience = ranker.audienceFor(p);
            if (ranker.capReached) {
              bound = true;
              break;
            }
            yield [p, audience];
          }
          if (!bound) return;
          // Every audience so far is void: rank again, fairly, from the start.
          ranker.resetExposure();
          yield RESTART;
        }
        ranker.assignByFit(products, sample);
      }
      for (const p of products) yield [p, ranker.audienceFor(p)];
    },
    evidence(p, audience) {
      return evidence.take(p, audience.customers, ranker.scratch);
    },
    reasonsInput(idType) {
      return reasonsInput(data, byCustomer, idType, affinity);
    },
    fallback,
    suppressedCustomers,
    customerIds: data.customers,
    customerOf,
    rankingIndex: newIndex,
    newest,
    byProduct,
    rankings: () => ranker.rankings,
  };
}

/** Each customer's place in the engagement order without the suppressed ones (−1 for those). */
function positions(order: Int32Array, suppressed: Uint8Array): Int32Array {
  const position = new Int32Array(order.length).fill(-1);
  let i = 0;
  for (let k = 0; k < order.length; k++) if (!suppressed[order[k]]) position[order[k]] = i++;
  return position;
}

/**
 * The order products are ranked (and written) in: by name (their first two name tokens:
 * mostly brand and model, then index), so neighbours share token lists and customers, whose
 * records are then still in cache. Ranking the 812k products of 2M rows took 16-18 s that
 * way against 22-25 s by reach. Without names, by reach (rows per product). The exposure
 * cap assigns capped customers by fit first (assignByFit), so the order only decides the
 * rare customer a later audience pushes over the cap.
 */
function rankingOrder(byProduct: Groups, P: number, tokens: ProductTokens | undefined): Int32Array {
  const products = new Int32Array(P);
  for (let p = 0; p < P; p++) products[p] = p;
  const key = new Float64Array(P);
  if (!tokens || tokens.count === 0) {
    for (let p = 0; p < P; p++) key[p] = byProduct.start[p + 1] - byProduct.start[p];
  } else {
    // Ascending (first token, second token), with "none" first, as one exact double.
    const base = tokens.count + 1;
    const token = (p: number, k: number) =>
      tokens.start[p] + k < tokens.start[p + 1] ? tokens.tokens[tokens.start[p] + k] + 1 : 0;
    for (let p = 0; p < P; p++) key[p] = -(token(p, 0) * base + token(p, 1));
  }
  // Ties keep index order: the sort is stable and the products start in it.
  return sortByKeysDescending(products, [key]);
}

/**
 * Every how many products (in ranking order) the exposure sample probes one: one in 16, or
 * fewer in a catalogue so large that one in 16 would be more than SAMPLE_PROBES probes. A
 * customer at the cap (5% of the top 10s by default) sits in thousands of a sample that
 * size, so it judges them as surely, and at 8 million products the sample was 6% of the
 * ranking's time.
 */
function planStride(products: number): number {
  return Math.max(16, Math.floor(products / SAMPLE_PROBES));
}
const SAMPLE_PROBES = 1 << 15;
/**
 * Speculate unless the sample puts some customer this far over the cap: a customer near
 * the cap is left to the exact check, since a sample of one in 16 misjudges them both ways.
 */
const PLAN_MARGIN = 1.25;
/**
 * assignByFit records the top-10 places of customers the sample puts at this share of the
 * cap or more: only a customer over the cap needs their places, and one the sample saw at a
 * quarter of it is, at ~16 times its sampled places, very unlikely to end there unseen (if one
 * does, assignByFit probes again for them: the result is exact either way).
 */
const WATCH_SHARE = 0.25;

/**
 * Top-10 places per customer in one product of every planStride (in ranking order), without
 * the cap: a customer in s of them is in about s · planStride of all top 10s.
 */
function sampleExposure(ranker: ProductRanker, products: Int32Array, customers: number): Int32Array {
  const seen = new Int32Array(customers);
  const stride = planStride(products.length);
  for (let k = 0; k < products.length; k += stride) {
    const a = ranker.audienceFor(products[k], EXPOSURE_LEVEL, true);
    for (let i = 0; i < a.customers.length; i++) seen[a.customers[i]]++;
  }
  return seen;
}

/** Whether ranking once (speculate) is worth trying: not when the sample puts someone clearly over the cap. */
function fairPassPlan(sample: Int32Array, cap: number, products: number): "speculate" | "first" {
  let most = 0;
  for (let c = 0; c < sample.length; c++) most = Math.max(most, sample[c]);
  return most * planStride(products) > PLAN_MARGIN * cap ? "first" : "speculate";
}

/** Top-10 places (product position k in the ranking order, score) of watched customers, in product order. */
class Places {
  readonly customer = new Column(Int32Array, 1024);
  readonly product = new Column(Int32Array, 1024);
  readonly score = new Column(Float64Array, 1024);

  push(c: number, k: number, score: number): void {
    this.customer.push(c);
    this.product.push(k);
    this.score.push(score);
  }
}

interface RankerSettings {
  maxN: number;
  blend: number;
  /** 0 = off. */
  cap: number;
}

export class ProductRanker {
  /** Per customer: affinity scratch, fill score, round state and tie rank (customer-table.ts). */
  private readonly table: Float64Array;
  private readonly state: Int32Array;
  /** Per customer: the key of FILL_SCORE (the engagement walk reads it, in customer order). */
  private readonly fillKey: Float64Array;
  /** Per customer: top-10 audiences the customer sits in (exposure cap). */
  private readonly exposure: Int32Array;
  /** Skip pointers over `eligible` past capped customers (union-find with path halving). */
  private readonly next: Int32Array | undefined;
  /** The affinity of the product ranked last (reasons.ts reads it). */
  readonly scratch;
  /**
   * Sort keys pack a score and the tie order into one double, so candidates sort natively
   * (a comparator per comparison would cost most of the ranking time): key = (SCALE − ⌊score·SCALE⌋)
   * · 2^bits + tieRank, ascending = best first. tieRank orders customers by latest activity,
   * then id. Scores are thereby resolved to 2^-(53−bits) (about 1e-9 for two million
   * customers), far below the 4 decimals served.
   */
  private readonly bits: number;
  private readonly scale: number;
  private readonly radix: number;
  /** Candidate keys of the current product (sized like the candidate table, not per customer). */
  private keys = new Float64Array(0);
  /**
   * The current product's candidates by tie rank (open addressing, entries of other rounds
   * are stale): the merge finds each winner's customer here, in cache, instead of in a
   * customer-sized array at random.
   */
  private candidateRank = new Int32Array(0);
  private candidateCustomer = new Int32Array(0);
  private candidateRound = new Int32Array(0);
  private candidateMask = 0;
  private readonly outCustomers: Int32Array;
  private readonly outScores: Float64Array;
  private stamp = 0;
  /** Whether some customer has reached the cap since the last resetExposure. */
  capReached = false;
  /** audienceFor calls so far (Ranking.rankings). */
  rankings = 0;
  /** Per product (CSR over product indices): customers kept out of its audience by the cap. */
  private denyStart: Int32Array | undefined;
  private denied: Int32Array | undefined;

  constructor(
    data: Interactions,
    engagement: Engagement,
    private readonly eligible: Int32Array,
    private readonly position: Int32Array,
    private readonly suppressed: Uint8Array,
    private readonly byProduct: Groups,
    /** The customer of each row in `byProduct` order. */
    private readonly productCustomer: Int32Array,
    private readonly affinity: Affinity | undefined,
    private readonly settings: RankerSettings,
  ) {
    const C = data.customers.length;
    const record = customerTable(C);
    const table = (this.table = record.f64);
    const state = (this.state = record.i32);
    this.scratch = affinity?.scratch(record);
    this.fillKey = new Float64Array(C);
    this.exposure = new Int32Array(C);
    if (settings.cap > 0) {
      this.next = new Int32Array(eligible.length + 1);
      for (let i = 0; i <= eligible.length; i++) this.next[i] = i;
    }
    const byTieRank = new Int32Array(C);
    for (let c = 0; c < C; c++) byTieRank[c] = c;
    const last = engagement.lastActivity;
    const ids = data.customers;
    sortByKeysDescending(byTieRank, [last], (a, b) => compareIds(ids[a], ids[b]));
    for (let r = 0; r < C; r++) state[byTieRank[r] * 8 + 7 /* TIE_RANK */] = r;
    this.bits = Math.max(1, Math.ceil(Math.log2(C + 1)));
    this.scale = 2 ** (53 - this.bits - 1);
    this.radix = 2 ** this.bits;
    for (let c = 0; c < C; c++) {
      // Every customer's score and key as a non-candidate (affinity 0): the same for every product.
      table[c * 4 + 2 /* FILL_SCORE */] = (1 - settings.blend) * engagement.score[c];
      this.fillKey[c] = this.key(table[c * 4 + 2 /* FILL_SCORE */], state[c * 8 + 7 /* TIE_RANK */]);
      // Suppressed customers are never eligible.
      if (suppressed[c]) state[c * 8 + 7 /* TIE_RANK */] = -1 - state[c * 8 + 7 /* TIE_RANK */];
    }
    this.outCustomers = new Int32Array(settings.maxN);
    this.outScores = new Float64Array(settings.maxN);
  }

  /** Room for `size` candidates at most half full (a power of two: the mask wraps probes). */
  private growCandidates(size: number): void {
    let capacity = 1024;
    while (capacity < 2 * size) capacity *= 2;
    this.candidateRank = new Int32Array(capacity);
    this.candidateCustomer = new Int32Array(capacity);
    // Rounds start at 1, so a fresh table holds no entry of any round.
    this.candidateRound = new Int32Array(capacity);
    this.candidateMask = capacity - 1;
    this.keys = new Float64Array(capacity);
  }

  /** Back to no exposure counted and nobody capped, as before the first audience. */
  resetExposure(): void {
    const { state, suppressed } = this;
    this.exposure.fill(0);
    for (let c = 0; c < suppressed.length; c++) {
      const tieRank = state[c * 8 + 7 /* TIE_RANK */];
      if (tieRank < 0 !== (suppressed[c] === 1)) state[c * 8 + 7 /* TIE_RANK */] = -1 - tieRank;
    }
    if (this.next) for (let i = 0; i < this.next.length; i++) this.next[i] = i;
    this.denyStart = undefined;
    this.denied = undefined;
    this.capReached = false;
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
   * neither excluded from nor a candidate of the current product (round `mark`: a customer
   * touched by its affinity and not capped is a candidate).
   */
  private nextFill(i: number, mark: number): number {
    const { eligible, state } = this;
    i = this.alive(i);
    while (i < eligible.length && state[eligible[i] * 8 + 6 /* STATE */] >> 2 === mark) i = this.alive(i + 1);
    return i;
  }

  private key(score: number, tieRank: number): number {
    const q = Math.floor(Math.min(1, Math.max(0, score)) * this.scale);
    return (this.scale - q) * this.radix + tieRank;
  }

  /**
   * Fair exposure by fit: ranks every product's top 10 without the cap, and where a
   * customer sits in more than `cap` of them, keeps them in the `cap` audiences where their
   * score is highest (ties: earlier in `products`) and keeps them out of the others (out of
   * the whole audience, so variants stay prefixes). The real pass then ranks with those
   * exclusions, and still skips anyone its own promotions bring to the cap.
   *
   * Only the places of customers who may end over the cap are kept (those `sample`, an
   * exposure sample of these products, puts near it): every place of every product would be
   * 12 bytes a place, ten a product, about a gigabyte at 8 million products.
   */
  assignByFit(products: Int32Array, sample?: Int32Array): void {
    const { cap } = this.settings;
    const C = this.position.length;
    const counts = sample ?? sampleExposure(this, products, C);
    const watch = new Uint8Array(C);
    const stride = planStride(products.length);
    for (let c = 0; c < C; c++) if (counts[c] * stride >= WATCH_SHARE * cap) watch[c] = 1;
    let { exposure, places } = this.topTens(products, watch);
    let missed = false;
    for (let c = 0; c < C; c++) {
      if (exposure[c] > cap && !watch[c]) missed = true;
      watch[c] = exposure[c] > cap ? 1 : 0;
    }
    // A customer the sample misjudged: probe again, keeping exactly the over-cap ones' places.
    if (missed) ({ exposure, places } = this.topTens(products, watch));

    // The places of customers over the cap, grouped by customer, each group in product order.
    const start = new Int32Array(C + 1);
    for (let c = 0; c < C; c++) start[c + 1] = start[c] + (watch[c] ? exposure[c] : 0);
    if (start[C] === 0) return;
    const mine = new Int32Array(start[C]);
    const fill = start.slice(0, C);
    const placeCustomer = places.customer.data;
    const placeProduct = places.product.data;
    const placeScore = places.score.data;
    for (let e = 0; e < places.customer.length; e++) {
      const c = placeCustomer[e];
      if (watch[c]) mine[fill[c]++] = e;
    }
    const deniedOf: number[][] = [];
    const perProduct = new Int32Array(this.byProduct.start.length);
    for (let c = 0; c < C; c++) {
      if (!watch[c]) continue;
      const own = Array.from(mine.subarray(start[c], start[c + 1]));
      // In product order already, so a stable sort by score keeps ties in it.
      own.sort((a, b) => placeScore[b] - placeScore[a]);
      for (let i = cap; i < own.length; i++) {
        const p = products[placeProduct[own[i]]];
        deniedOf.push([p, c]);
        perProduct[p + 1]++;
      }
    }
    for (let p = 0; p + 1 < perProduct.length; p++) perProduct[p + 1] += perProduct[p];
    const denied = new Int32Array(deniedOf.length);
    const at = perProduct.slice(0, perProduct.length - 1);
    for (const [p, c] of deniedOf) denied[at[p]++] = c;
    this.denyStart = perProduct;
    this.denied = denied;
  }

  /** Every product's top 10 without the cap: each customer's count, and the watched ones' places. */
  private topTens(products: Int32Array, watch: Uint8Array): { exposure: Int32Array; places: Places } {
    const exposure = new Int32Array(watch.length);
    const places = new Places();
    for (let k = 0; k < products.length; k++) {
      const a = this.audienceFor(products[k], EXPOSURE_LEVEL, true);
      for (let i = 0; i < a.customers.length; i++) {
        const c = a.customers[i];
        exposure[c]++;
        if (watch[c]) places.push(c, k, a.scores[i]);
      }
    }
    return { exposure, places };
  }

  /**
   * The product's audience (at most `limit`). The arrays are views reused by the next call:
   * copy to keep them. A `probe` counts no exposure (assignByFit's first pass).
   */
  audienceFor(p: number, limit = this.settings.maxN, probe = false): Audience {
    const { eligible, settings, table, state, fillKey } = this;
    const { blend, cap } = settings;
    const maxN = limit;
    const mark = ++this.stamp;
    this.rankings++;
    const excluded = 4 * mark + 1;
    for (let i = this.byProduct.start[p]; i < this.byProduct.start[p + 1]; i++) {
      state[this.productCustomer[i] * 8 + 6 /* STATE */] = excluded;
    }
    if (this.denied && this.denyStart)
      for (let i = this.denyStart[p]; i < this.denyStart[p + 1]; i++)
        state[this.denied[i] * 8 + 6 /* STATE */] = excluded;

    // Candidates with affinity, keyed and sorted best first.
    let n = 0;
    let keys = this.keys;
    if (this.affinity && this.scratch) {
      const s = this.scratch;
      this.affinity.collect(p, s, mark);
      if (2 * s.size > this.candidateMask) this.growCandidates(s.size);
      keys = this.keys;
      const { candidateRank, candidateCustomer, candidateRound, candidateMask } = this;
      for (let k = 0; k < s.size; k++) {
        const c = s.touched[k];
        // Excluded this round, or out of every audience (a negative tie rank).
        const tieRank = state[c * 8 + 7 /* TIE_RANK */];
        if (state[c * 8 + 6 /* STATE */] & 1 || tieRank < 0) continue;
        keys[n++] = this.key(blend * this.affinity.value(s, c) + table[c * 4 + 2 /* FILL_SCORE */], tieRank);
        let slot = Math.imul(tieRank, HASH_MULTIPLIER) & candidateMask;
        while (candidateRound[slot] === mark) slot = (slot + 1) & candidateMask;
        candidateRound[slot] = mark;
        candidateRank[slot] = tieRank;
        candidateCustomer[slot] = c;
      }
    }
    // Only the maxN best candidates can make the audience (keys are distinct, so which ones
    // is well defined): just those are sorted, the rest only partitioned away. Products have
    // about 175 candidates on generated data, and sorting them is a good part of the ranking.
    sortAscending(keys, 0, n - 1, maxN);
    n = Math.min(n, maxN);
    const candidates = keys;
    const { radix, scale, candidateRank, candidateCustomer, candidateMask } = this;

    // Merge the candidates with the engagement order.
    const customers = this.outCustomers;
    const scores = this.outScores;
    let size = 0;
    let j = 0;
    let i = this.nextFill(0, mark);
    while (size < maxN) {
      const f = i < eligible.length ? eligible[i] : -1;
      if (j < n && (f < 0 || candidates[j] < fillKey[f])) {
        const key = candidates[j++];
        // radix is a power of two, so this split is exact (and far cheaper than `%` on doubles).
        const high = Math.floor(key / radix);
        const tieRank = key - high * radix;
        let slot = Math.imul(tieRank, HASH_MULTIPLIER) & candidateMask;
        while (candidateRank[slot] !== tieRank) slot = (slot + 1) & candidateMask;
        customers[size] = candidateCustomer[slot];
        scores[size++] = (scale - high) / scale;
      } else if (f >= 0) {
        customers[size] = f;
        scores[size++] = table[f * 4 + 2 /* FILL_SCORE */];
        i = this.nextFill(i + 1, mark);
      } else break;
    }
    if (cap > 0 && !probe) {
      for (let k = 0; k < Math.min(EXPOSURE_LEVEL, size); k++) {
        const c = customers[k];
        if (++this.exposure[c] >= cap) {
          state[c * 8 + 7 /* TIE_RANK */] = -1 - state[c * 8 + 7 /* TIE_RANK */];
          this.next![this.position[c]] = this.position[c] + 1;
          this.capReached = true;
        }
      }
    }
    return { customers: customers.subarray(0, size), scores: scores.subarray(0, size) };
  }
}

/** Spreads consecutive tie ranks over the candidate table (Knuth's multiplicative hash). */
const HASH_MULTIPLIER = 0x9e3779b1 | 0;

/**
 * Sorts keys[lo..hi] ascending, in place, as far as positions before `end` go: those hold
 * the smallest keys in order, the rest the others in any order (quicksort with a
 * median-of-three pivot that skips the parts wholly at or after `end`, insertion sort for
 * short ranges); the keys must be distinct. A typed array's own sort costs a call into the
 * runtime and a view per product, most of its time on the hundred keys sorted here.
 */
export function sortAscending(keys: Float64Array, lo: number, hi: number, end = hi + 1): void {
  while (hi - lo > 16) {
    const mid = (lo + hi) >> 1;
    const a = keys[lo];
    const b = keys[mid];
    const c = keys[hi];
    // biome-ignore lint/complexity/useMathMinMax: a median of three by comparisons
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
    if (i >= end) {
      hi = j;
    } else if (j - lo < hi - i) {
      // Recurse into the shorter side, loop on the longer: the stack stays logarithmic.
      sortAscending(keys, lo, j, end);
      lo = i;
    } else {
      sortAscending(keys, i, hi, end);
      hi = j;
    }
  }
  for (let i = lo + 1; i <= hi; i++) {
    const v = keys[i];
    let j = i - 1;
    while (j >= lo && keys[j] > v) {
      keys[j + 1] = keys[j];
      j--;
    }
    keys[j + 1] = v;
  }
}
