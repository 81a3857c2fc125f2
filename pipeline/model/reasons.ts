// Why each customer is in a product's audience: the single strongest piece of evidence
// behind their place, as stored for `?explain=true` (worker/contract-readable.ts).
//
// The ranking already knows, for the product it just ranked, each candidate's affinity
// from co-interaction and from names (the customer table's CO and NAMES fields); the
// larger weighted share decides the kind. The evidence itself is then looked up in the
// customer's own rows, so every reason names something the log really holds:
//  - similar_product: a product the customer interacted with that the ranking reached
//    through a customer of this product (so the two really share a customer);
//  - shared_words: a product the customer interacted with whose served name shares
//    informative words with this product's served name (words in at most a fifth of all
//    names, two characters or more, rarest first, at most three);
//  - engaged: a customer with no affinity evidence, placed by engagement alone.
// When the stronger source's evidence cannot be shown in the served names, the other
// source is tried before engaged.
import type { IdType, StoredReason, StoredReasons } from "../../worker/contract.js";
import type { Interactions } from "../ingest/ingest.js";
import type { Affinity, AffinityScratch } from "./affinity.js";
import { type Groups, gather } from "./groups.js";
import type { Audience } from "./types.js";

const SPLIT = /[^\p{L}\p{N}]+/u;
/** A word in more than this share of all names says nothing about a product. */
const COMMON_SHARE = 0.2;
const MAX_WORDS = 3;

/** The lower-cased words of a name, each once, in order. */
export function reasonWords(name: string | null): string[] {
  if (!name) return [];
  return [
    ...new Set(
      name
        .toLowerCase()
        .split(SPLIT)
        .filter((w) => w.length > 0),
    ),
  ];
}

export class Explainer {
  /** Served-name words per product, as word ids: wordIds[wordStart[p] .. wordStart[p + 1]). */
  private readonly wordStart: Int32Array;
  private readonly wordIds: Int32Array;
  private readonly words: string[];
  private readonly idf: Float64Array;
  private readonly informative: Uint8Array;
  /** Per word id: the product round that marked it as a word of the current product. */
  private readonly wordMark: Int32Array;
  private round = 0;
  private readonly customerProduct: Int32Array;

  constructor(
    private readonly data: Interactions,
    private readonly byCustomer: Groups,
    private readonly idType: IdType,
  ) {
    const P = data.products.length;
    const ids = new Map<string, number>();
    this.words = [];
    const flat: number[] = [];
    this.wordStart = new Int32Array(P + 1);
    for (let p = 0; p < P; p++) {
      for (const w of reasonWords(data.latestNames[p])) {
        let id = ids.get(w);
        if (id === undefined) {
          id = this.words.length;
          ids.set(w, id);
          this.words.push(w);
        }
        flat.push(id);
      }
      this.wordStart[p + 1] = flat.length;
    }
    this.wordIds = Int32Array.from(flat);
    const df = new Int32Array(this.words.length);
    for (const id of this.wordIds) df[id]++;
    this.idf = Float64Array.from(df, (d) => Math.log(Math.max(1, P) / d));
    this.informative = Uint8Array.from(this.words, (w, id) =>
      Array.from(w).length >= 2 && df[id] <= Math.max(2, COMMON_SHARE * P) ? 1 : 0,
    );
    this.wordMark = new Int32Array(this.words.length);
    this.customerProduct = gather(data.product, byCustomer.rows);
  }

  /**
   * The reasons for product p's audience, right after the ranking produced it: `s` and
   * `table` still hold that round's affinity (undefined without affinity).
   */
  explain(
    p: number,
    audience: Audience,
    affinity: Affinity | undefined,
    s: AffinityScratch | undefined,
  ): StoredReasons {
    const reasons: StoredReason[] = [];
    const index = new Map<string, number>();
    const at: number[] = [];
    const mark = ++this.round;
    for (let i = this.wordStart[p]; i < this.wordStart[p + 1]; i++) {
      const w = this.wordIds[i];
      if (this.informative[w]) this.wordMark[w] = mark;
    }
    for (let k = 0; k < audience.customers.length; k++) {
      const c = audience.customers[k];
      let reason: StoredReason | undefined;
      if (affinity && s && s.table[c * 8 + 0 /* TOUCHED */] === s.mark) {
        const co = affinity.coShare(s, c);
        const names = affinity.namesShare(s, c);
        const similar = () => (co > 0 ? this.similarProduct(p, c, affinity) : undefined);
        const shared = () => (names > 0 ? this.sharedWords(p, c, mark) : undefined);
        reason = co >= names ? (similar() ?? shared()) : (shared() ?? similar());
      }
      if (reason === undefined) {
        at.push(-1);
        continue;
      }
      const key = JSON.stringify(reason);
      let r = index.get(key);
      if (r === undefined) {
        r = reasons.length;
        index.set(key, r);
        reasons.push(reason);
      }
      at.push(r);
    }
    return { reasons, at };
  }

  private productId(q: number): number | string {
    const id = this.data.products[q];
    return this.idType === "number" ? Number(id) : id;
  }

  /** The customer's heaviest event with product q (the newest of equals). */
  private eventWith(c: number, q: number): string {
    const { data, byCustomer, customerProduct } = this;
    let best = -1;
    for (let j = byCustomer.start[c]; j < byCustomer.start[c + 1]; j++) {
      if (customerProduct[j] !== q) continue;
      const e = data.event[byCustomer.rows[j]];
      if (best < 0 || data.eventWeights[e] > data.eventWeights[best]) best = e;
    }
    return data.events[best];
  }

  /** The product of the customer's with the highest co-interaction similarity to p. */
  private similarProduct(p: number, c: number, affinity: Affinity): StoredReason | undefined {
    const { byCustomer, customerProduct } = this;
    let best = -1;
    let bestSim = 0;
    for (let j = byCustomer.start[c]; j < byCustomer.start[c + 1]; j++) {
      const q = customerProduct[j];
      if (q === p) continue;
      const sim = affinity.coSimilarity(p, q);
      if (sim > bestSim) {
        bestSim = sim;
        best = q;
      }
    }
    if (best < 0) return undefined;
    return ["p", this.productId(best), this.data.latestNames[best] ?? null, this.eventWith(c, best)];
  }

  /** The product of the customer's whose served name shares the most informative words with p's. */
  private sharedWords(p: number, c: number, mark: number): StoredReason | undefined {
    const { byCustomer, customerProduct, wordStart, wordIds, wordMark, idf } = this;
    let best = -1;
    let bestScore = 0;
    for (let j = byCustomer.start[c]; j < byCustomer.start[c + 1]; j++) {
      const q = customerProduct[j];
      if (q === p || q === best) continue;
      let score = 0;
      for (let i = wordStart[q]; i < wordStart[q + 1]; i++)
        if (wordMark[wordIds[i]] === mark) score += idf[wordIds[i]];
      if (score > bestScore) {
        bestScore = score;
        best = q;
      }
    }
    if (best < 0) return undefined;
    const shared: number[] = [];
    for (let i = wordStart[best]; i < wordStart[best + 1]; i++)
      if (wordMark[wordIds[i]] === mark) shared.push(wordIds[i]);
    // Rarest first; equally rare words keep their order in p's name.
    const order = (w: number) => {
      for (let i = wordStart[p]; i < wordStart[p + 1]; i++) if (wordIds[i] === w) return i;
      return 0;
    };
    shared.sort((a, b) => idf[b] - idf[a] || order(a) - order(b));
    return ["w", shared.slice(0, MAX_WORDS).map((w) => this.words[w]), this.eventWith(c, best)];
  }
}
