// Product affinity: how close a customer's history is to one product, in 0..1, from two
// sources, each visiting a bounded candidate set (never all customers):
//  - co-interaction: customers of products that share customers with this one (by default
//    the cosine similarity of the two products' customer sets; `itemSimilarity` picks
//    ItemKNN with shrinkage or RP3beta instead), combined as a noisy-or;
//  - name tokens: customers of products whose names share informative words with this
//    one (IDF-weighted), from a per-token list of its strongest recent customers.
import type { Config } from "../config.js";
import type { Interactions } from "../ingest/ingest.js";
import type { CustomerTable } from "./customer-table.js";
import { type Groups, gather } from "./groups.js";
import { type NameSource, nameSource } from "./token-lists.js";
import { type ProductTokens, tokenizeProducts } from "./tokens.js";

/** Bounds on the candidate sets: the work per product is at most about their product. */
export const LIMITS = {
  /** Newest distinct customers of the product whose other products are followed. */
  seedCustomers: 50,
  /** Newest distinct other products followed per seed customer. */
  neighboursPerCustomer: 20,
  /** Newest distinct customers taken from each co-interacted product. */
  customersPerNeighbour: 50,
  // Strongest customers kept per name token: the config's `tokenCustomers`.
} as const;

export interface AffinityScratch {
  /** Customers touched for the current product, `size` of them. */
  touched: Int32Array;
  size: number;
  /** The ranking's customer table (customer-table.ts) as doubles: CO and NAMES are written here. */
  table: Float64Array;
  /** The same table as 32-bit integers: STATE's TOUCHED flag is set here. */
  state: Int32Array;
  /** The round collect() last worked in (STATE's round). */
  mark: number;
  /** Whether each source found any candidate for the current product. */
  hasCo: boolean;
  hasNames: boolean;
}

export class Affinity {
  readonly tokens: ProductTokens;
  /** Per token: its strongest customers and their strength (0..1), CSR by token. */
  readonly tokenStart: Int32Array;
  readonly tokenCustomers: Int32Array;
  readonly tokenStrength: Float32Array;
  /** Distinct customers per product (for the cosine). */
  private readonly degree: Int32Array;
  private readonly coCount: Float64Array;
  private readonly productStamp: Int32Array;
  private readonly lastCustomer: Int32Array;
  private readonly neighbours: Int32Array;
  /** How many of `neighbours` the last collect() found. */
  private neighbourCount = 0;
  private readonly wCo: number;
  private readonly method: "cosine" | "itemknn" | "rp3beta";
  private readonly shrink: number;
  /** RP3beta: degree(q)^beta per product; the other methods leave it empty. */
  private readonly popularity: Float64Array;
  /** What one shared customer adds to coCount: 1, or 1 / their distinct products (RP3beta). */
  private readonly customerWeight: Float64Array | undefined;
  /** affinityGate: each customer's affinity is multiplied by their customer score^gate. */
  private readonly gate: Float64Array | undefined;
  private readonly wNames: number;
  private round = 0;
  /**
   * Each product's newest distinct customers (as many as either co-interaction limit takes),
   * CSR by product: walked without skipping repeat customers, so without a customer-sized
   * scratch read at random per visit.
   */
  private readonly newestStart: Int32Array;
  private readonly newestCustomers: Int32Array;
  /** The product of each row in by-customer order. */
  private readonly customerProduct: Int32Array;

  constructor(
    private readonly data: Interactions,
    byProduct: Groups,
    private readonly byCustomer: Groups,
    config: Config,
    /** Position of each customer in the engagement order, the tie-break for token lists. */
    enginePosition: Int32Array,
    /** Each customer's score in 0..1 (engagement.ts), for `affinityGate`. */
    customerScore?: Float64Array,
    /** The name tokens and per-token lists, when the caller made them already (in this numbering). */
    names?: NameSource,
    /** The customer of each row in `byProduct` order, when the caller gathered it already (20M random reads at 20M rows). */
    productCustomerGathered?: Int32Array,
  ) {
    const P = data.products.length;
    const C = data.customers.length;
    this.wCo = config.affinitySources.coInteraction;
    this.wNames = config.affinitySources.names;
    const productCustomer = productCustomerGathered ?? gather(data.customer, byProduct.rows);
    this.customerProduct = gather(data.product, byCustomer.rows);
    this.degree = new Int32Array(P);
    const seen = new Int32Array(C).fill(-1);
    for (let p = 0; p < P; p++) {
      for (let i = byProduct.start[p]; i < byProduct.start[p + 1]; i++) {
        const c = productCustomer[i];
        if (seen[c] !== p) {
          seen[c] = p;
          this.degree[p]++;
        }
      }
    }
    const newest = Math.max(LIMITS.seedCustomers, LIMITS.customersPerNeighbour);
    const start = (this.newestStart = new Int32Array(P + 1));
    for (let p = 0; p < P; p++) start[p + 1] = start[p] + Math.min(this.degree[p], newest);
    const customers = (this.newestCustomers = new Int32Array(start[P]));
    for (let p = 0; p < P; p++) {
      // `seen` holds p from the count above: P + p marks this pass.
      for (let i = byProduct.start[p], at = start[p]; i < byProduct.start[p + 1] && at < start[p + 1]; i++) {
        const c = productCustomer[i];
        if (seen[c] !== P + p) {
          seen[c] = P + p;
          customers[at++] = c;
        }
      }
    }
    const similarity = config.itemSimilarity ?? { method: "cosine", shrink: 0, beta: 0 };
    this.method = similarity.method;
    this.shrink = similarity.shrink;
    this.popularity = new Float64Array(this.method === "rp3beta" ? P : 0);
    for (let p = 0; p < this.popularity.length; p++) this.popularity[p] = this.degree[p] ** similarity.beta;
    if (this.method === "rp3beta") {
      // The walk's step customer → q has probability 1 / (the customer's distinct products).
      const weight = (this.customerWeight = new Float64Array(C));
      const seenBy = new Int32Array(P).fill(-1);
      for (let c = 0; c < C; c++) {
        let distinct = 0;
        for (let j = byCustomer.start[c]; j < byCustomer.start[c + 1]; j++) {
          const q = this.customerProduct[j];
          if (seenBy[q] !== c) {
            seenBy[q] = c;
            distinct++;
          }
        }
        weight[c] = distinct > 0 ? 1 / distinct : 0;
      }
    }
    const gate = config.affinityGate ?? 0;
    if (gate > 0 && customerScore) this.gate = Float64Array.from(customerScore, (v) => v ** gate);
    this.coCount = new Float64Array(P);
    this.productStamp = new Int32Array(P);
    this.lastCustomer = new Int32Array(P).fill(-1);
    this.neighbours = new Int32Array(LIMITS.seedCustomers * LIMITS.neighboursPerCustomer);

    const source =
      names ??
      (this.wNames > 0
        ? nameSource({
            data,
            byCustomer,
            customerProduct: this.customerProduct,
            byProduct,
            position: enginePosition,
            perToken: config.tokenCustomers,
            recencyDecayDays: config.recencyDecayDays,
          })
        : {
            tokens: tokenizeProducts([]),
            lists: { start: new Int32Array(1), customers: new Int32Array(0), strength: new Float32Array(0) },
          });
    this.tokens = source.tokens;
    const lists = source.lists;
    this.tokenStart = lists.start;
    this.tokenCustomers = lists.customers;
    this.tokenStrength = lists.strength;
  }

  scratch(table: CustomerTable): AffinityScratch {
    return {
      touched: new Int32Array(this.data.customers.length),
      size: 0,
      table: table.f64,
      state: table.i32,
      mark: 0,
      hasCo: false,
      hasNames: false,
    };
  }

  /**
   * Affinity of a touched customer, 0..1: the sources' weighted mean over the sources that
   * had any evidence for this product, so a product nobody co-interacted with (most of
   * them, in data this sparse) is judged by its name alone rather than at half strength.
   */
  value(s: AffinityScratch, c: number): number {
    const total = (s.hasCo ? this.wCo : 0) + (s.hasNames ? this.wNames : 0);
    const r = c * 4;
    const value =
      total > 0
        ? ((s.hasCo ? this.wCo * s.table[r + 0 /* CO */] : 0) +
            (s.hasNames ? this.wNames * s.table[r + 1 /* NAMES */] : 0)) /
          total
        : 0;
    return this.gate ? value * this.gate[c] : value;
  }

  /** A touched customer's weighted co-interaction part of value() (reasons.ts compares the parts). */
  coShare(s: AffinityScratch, c: number): number {
    return s.hasCo ? this.wCo * s.table[c * 4 + 0 /* CO */] : 0;
  }

  /** A touched customer's weighted name part of value(); the gate scales both parts alike. */
  namesShare(s: AffinityScratch, c: number): number {
    return s.hasNames ? this.wNames * s.table[c * 4 + 1 /* NAMES */] : 0;
  }

  /** Whether the last collect() touched customer c (its CO and NAMES are then that round's). */
  touched(s: AffinityScratch, c: number): boolean {
    return (s.state[c * 8 + 6 /* STATE */] | 1) === 4 * s.mark + 3;
  }

  /**
   * How similar q is to p by shared customers, as the last collect(p) found it: 0 unless a
   * customer of p also interacted with q.
   */
  coSimilarity(p: number, q: number): number {
    if (this.productStamp[q] !== this.round || this.coCount[q] <= 0) return 0;
    return this.similarity(p, q);
  }

  /**
   * Similarity of q to p from coCount[q] (the shared customers, or for RP3beta their
   * weights): cosine shared / sqrt(|p||q|); ItemKNN shared / (sqrt(|p||q|) + shrink), which
   * discounts pairs resting on one or two customers; RP3beta the probability of the walk
   * p → customer → q, (1/|p|) Σ 1/|customer|, divided by |q|^beta so popular products do not
   * reach everyone.
   */
  private similarity(p: number, q: number): number {
    const co = this.coCount[q];
    if (this.method === "cosine") return co / Math.sqrt(this.degree[p] * this.degree[q]);
    if (this.method === "itemknn") return co / (Math.sqrt(this.degree[p] * this.degree[q]) + this.shrink);
    return co / (this.degree[p] * this.popularity[q]);
  }

  /**
   * The products the last collect() reached by co-interaction: every q for which
   * coSimilarity can be above 0 (reasons.ts sends them with their similarity).
   */
  coNeighbours(): Int32Array {
    return this.neighbours.subarray(0, this.neighbourCount);
  }

  /**
   * Collects the candidates of product p into `s` (touched, co, names), in STATE round
   * `round` (the ranking's, whose EXCLUDED flags it keeps; by default one of its own, above
   * any before). May include customers of p itself: the caller excludes those.
   */
  collect(p: number, s: AffinityScratch, round = s.mark + 1): void {
    s.size = 0;
    this.neighbourCount = 0;
    const mark = ++this.round;
    s.mark = round;
    if (this.wCo > 0) this.coInteraction(p, mark, s);
    s.hasCo = s.size > 0;
    s.hasNames = false;
    if (this.wNames > 0) this.nameMatches(p, s);
  }

  /** Starts customer c's record for this round if it is new; returns the record's offset in `table`. */
  private touch(s: AffinityScratch, c: number): number {
    const state = s.state[c * 8 + 6 /* STATE */];
    const touched = 4 * s.mark + 3;
    const r = c * 4;
    if ((state | 1) !== touched) {
      // EXCLUDED stays set when the ranking set it this round.
      s.state[c * 8 + 6 /* STATE */] = state === touched - 2 ? touched : touched - 1;
      s.table[r + 0 /* CO */] = 0;
      s.table[r + 1 /* NAMES */] = 0;
      s.touched[s.size++] = c;
    }
    return r;
  }

  private coInteraction(p: number, mark: number, s: AffinityScratch): void {
    const { byCustomer, newestStart, newestCustomers } = this;
    let neighbourCount = 0;
    const seedEnd = Math.min(newestStart[p + 1], newestStart[p] + LIMITS.seedCustomers);
    for (let i = newestStart[p]; i < seedEnd; i++) {
      const c = newestCustomers[i];
      let followed = 0;
      for (
        let j = byCustomer.start[c];
        j < byCustomer.start[c + 1] && followed < LIMITS.neighboursPerCustomer;
        j++
      ) {
        const q = this.customerProduct[j];
        if (q === p || (this.lastCustomer[q] === c && this.productStamp[q] === mark)) continue;
        if (this.productStamp[q] !== mark) {
          this.productStamp[q] = mark;
          this.coCount[q] = 0;
          this.neighbours[neighbourCount++] = q;
        }
        this.lastCustomer[q] = c;
        this.coCount[q] += this.customerWeight ? this.customerWeight[c] : 1;
        followed++;
      }
    }
    this.neighbourCount = neighbourCount;
    for (let k = 0; k < neighbourCount; k++) {
      const q = this.neighbours[k];
      const sim = this.similarity(p, q);
      const end = Math.min(newestStart[q + 1], newestStart[q] + LIMITS.customersPerNeighbour);
      for (let i = newestStart[q]; i < end; i++) {
        const c = newestCustomers[i];
        const r = this.touch(s, c);
        // Noisy-or: several co-interacted products add up without leaving 0..1.
        s.table[r + 0 /* CO */] = 1 - (1 - s.table[r + 0 /* CO */]) * (1 - Math.min(1, sim));
      }
    }
  }

  private nameMatches(p: number, s: AffinityScratch): void {
    const { tokens } = this;
    let idfTotal = 0;
    for (let i = tokens.start[p]; i < tokens.start[p + 1]; i++) {
      const t = tokens.tokens[i];
      if (tokens.df[t] >= 2) idfTotal += tokens.idf[t];
    }
    if (idfTotal === 0) return;
    for (let i = tokens.start[p]; i < tokens.start[p + 1]; i++) {
      const t = tokens.tokens[i];
      if (tokens.df[t] < 2) continue;
      const w = tokens.idf[t] / idfTotal;
      for (let j = this.tokenStart[t]; j < this.tokenStart[t + 1]; j++) {
        const r = this.touch(s, this.tokenCustomers[j]);
        s.table[r + 1 /* NAMES */] += w * this.tokenStrength[j];
        s.hasNames = true;
      }
    }
  }
}
