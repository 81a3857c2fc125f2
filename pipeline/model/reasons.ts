// Why each customer is in a product's audience: the single strongest piece of evidence
// behind their place, as stored for `?explain=true` (worker/contract-readable.ts).
//
// The ranking already knows, for the product it just ranked, each candidate's affinity
// from co-interaction and from names (the customer table's CO and NAMES fields); the
// larger weighted share decides the kind, and the evidence is the ranking's own:
//  - similar_product: a product among the customer's newest rows that the ranking reached
//    through a customer of this product (so the two really share a customer);
//  - shared_words: the name token (a word, or two adjacent words) of this product whose
//    per-token list holds the customer with the largest IDF-weighted strength. A customer
//    is on a token's list only through interactions with products carrying it, and never
//    with this product (its own customers are excluded from its audience). Only tokens whose
//    words are informative (two characters or more, in at most a fifth of all names) and
//    stable (every product carrying the token is served under the name the model read) are
//    told, so the words are in both served names.
//  - engaged: a customer with no such evidence, placed by engagement alone.
// When the stronger source has no evidence to tell, the other is tried before engaged.
// Everything per customer is O(1) or bounded by WALK_ROWS: the most engaged customers sit in
// thousands of audiences, and walking their whole history for each made a 500k-row build
// several times slower.
import type { IdType } from "../../worker/contract.js";
import type { Interactions } from "../ingest/ingest.js";
import type { Affinity, AffinityScratch } from "./affinity.js";
import { type Groups, gather } from "./groups.js";
import { nameTokens, type ProductTokens } from "./tokens.js";
import type { Audience } from "./types.js";

/** A word in more than this share of all names says nothing about a product. */
const COMMON_SHARE = 0.2;
/** Newest rows of a customer searched for the similar product. */
const WALK_ROWS = 8;

/** Bytes one `at` entry may take: a comma and a reason index (at most the audience size). */
const AT_BYTES = 8;

/** Writes `,`(if comma) and the integer r (-1 or a small index) as ASCII at o; returns the end. */
function writeIndex(out: Buffer, o: number, comma: boolean, r: number): number {
  if (comma) out[o++] = 0x2c;
  if (r < 0) {
    out[o++] = 0x2d;
    out[o++] = 0x31;
    return o;
  }
  const digits = r < 10 ? 1 : r < 100 ? 2 : r < 1000 ? 3 : String(r).length;
  for (let i = digits - 1, v = r; i >= 0; i--, v = Math.floor(v / 10)) out[o + i] = 0x30 + (v % 10);
  return o + digits;
}

export class Explainer {
  private readonly customerProduct: Int32Array;
  /** Per token: 1 when every product carrying it is served under the name the model read. */
  private readonly stable: Uint8Array;
  /** Per customer: the product round in which bestToken/bestValue were set. */
  private readonly stamp: Int32Array;
  private readonly bestToken: Int32Array;
  private readonly bestValue: Float64Array;
  private round = 0;
  /** Per token: its words when it may be told, null when not, undefined until first met. */
  private readonly tokenWords: (string[] | null | undefined)[] = [];
  /** Products whose model name has each word (for the words of two-word tokens). */
  private readonly wordDf = new Map<string, number>();
  /** Per audience (reasonRound): the first reason about each product and token, and every reason's key. */
  private reasonRound = 0;
  private readonly productRound: Int32Array;
  private readonly productReason: Int32Array;
  private readonly tokenRound: Int32Array;
  private readonly tokenReason: Int32Array;
  private reasonKeys: Float64Array;
  private atBytes: Buffer = Buffer.allocUnsafe(0);
  /** Each reason's JSON text, made on first use (see explain). */
  private readonly productTexts: (string | undefined)[] = [];
  private readonly eventTexts: (string | undefined)[] = [];
  private readonly tokenTexts: (string | undefined)[] = [];

  constructor(
    private readonly data: Interactions,
    private readonly byCustomer: Groups,
    private readonly idType: IdType,
    private readonly affinity: Affinity | undefined,
  ) {
    this.customerProduct = gather(data.product, byCustomer.rows);
    const C = data.customers.length;
    this.stamp = new Int32Array(C);
    this.bestToken = new Int32Array(C);
    this.bestValue = new Float64Array(C);
    const tokens = affinity?.tokens;
    this.productRound = new Int32Array(data.products.length);
    this.productReason = new Int32Array(data.products.length);
    this.tokenRound = new Int32Array(tokens?.count ?? 0);
    this.tokenReason = new Int32Array(tokens?.count ?? 0);
    this.reasonKeys = new Float64Array(0);
    this.stable = new Uint8Array(tokens?.count ?? 0).fill(1);
    if (tokens) {
      for (let p = 0; p < data.products.length; p++) {
        if ((data.latestNames[p] ?? "") === (data.productNames[p] ?? "")) continue;
        for (let i = tokens.start[p]; i < tokens.start[p + 1]; i++) this.stable[tokens.tokens[i]] = 0;
      }
    }
  }

  /**
   * The reasons for product p's audience as stored (StoredReasons as JSON text, exactly
   * what JSON.stringify makes of it), right after the ranking produced it: `s` still holds
   * that round's affinity (undefined without affinity). Written as text from pieces cached
   * per product and per token: the same evidence recurs across thousands of audiences, and
   * building and stringifying an object per audience cost more than finding the evidence.
   */
  explain(p: number, audience: Audience, s: AffinityScratch | undefined): string {
    const affinity = this.affinity;
    // Reasons of this audience by key, 2·(product·256 + event) for a similar product or
    // 2·token + 1 for shared words; the first reason naming each product or token is found
    // by a stamp, so no map is built per audience.
    const round = ++this.reasonRound;
    let reasons = 0;
    let reasonsText = "";
    if (this.reasonKeys.length < audience.customers.length) {
      this.reasonKeys = new Float64Array(audience.customers.length);
      this.atBytes = Buffer.allocUnsafe(audience.customers.length * AT_BYTES);
    }
    // `at` is written as bytes into one buffer: as a string grown item by item it was a
    // hundred small strings per audience for the garbage collector.
    const atBytes = this.atBytes;
    let o = 0;
    const told = affinity !== undefined && s?.hasNames === true && this.tellableTokens(p, affinity);
    for (let k = 0; k < audience.customers.length; k++) {
      const c = audience.customers[k];
      // No closures in this loop: the build's TypeScript loader names every function it
      // creates (a defineProperty each), which cost more than the reasons themselves.
      let q = -1;
      let t = -1;
      if (affinity && s && s.table[c * 8 + 0 /* TOUCHED */] === s.mark) {
        const co = affinity.coShare(s, c);
        const names = affinity.namesShare(s, c);
        const token = names > 0 && told && this.stamp[c] === this.round ? this.bestToken[c] : -1;
        if (co >= names) {
          q = co > 0 ? this.similarProduct(p, c, affinity) : -1;
          if (q < 0) t = token;
        } else {
          t = token;
          if (t < 0 && co > 0) q = this.similarProduct(p, c, affinity);
        }
      }
      let r = -1;
      if (q >= 0) {
        const event = this.eventWith(c, q);
        const key = 2 * (q * 256 + event);
        if (this.productRound[q] === round) {
          for (let i = this.productReason[q]; i < reasons; i++)
            if (this.reasonKeys[i] === key) {
              r = i;
              break;
            }
        } else {
          this.productRound[q] = round;
          this.productReason[q] = reasons;
        }
        if (r < 0) {
          r = reasons++;
          this.reasonKeys[r] = key;
          reasonsText += `${r > 0 ? "," : ""}${this.productText(q)}${this.eventText(event)}`;
        }
      } else if (t >= 0) {
        if (this.tokenRound[t] === round) r = this.tokenReason[t];
        else {
          this.tokenRound[t] = round;
          r = this.tokenReason[t] = reasons++;
          this.reasonKeys[r] = 2 * t + 1;
          reasonsText += `${r > 0 ? "," : ""}${this.tokenText(t)}`;
        }
      }
      o = writeIndex(atBytes, o, k > 0, r);
    }
    return `{"reasons":[${reasonsText}],"at":[${atBytes.toString("latin1", 0, o)}]}`;
  }

  /** `["p",id,name,` of a similar-product reason about q (the event and `]` follow). */
  private productText(q: number): string {
    let text = this.productTexts[q];
    if (text === undefined) {
      text = `["p",${JSON.stringify(this.productId(q))},${JSON.stringify(this.data.latestNames[q] ?? null)},`;
      this.productTexts[q] = text;
    }
    return text;
  }

  private eventText(event: number): string {
    let text = this.eventTexts[event];
    if (text === undefined) {
      text = `${JSON.stringify(this.data.events[event])}]`;
      this.eventTexts[event] = text;
    }
    return text;
  }

  /** `["w",[words]]` of a shared-words reason about token t (told tokens only). */
  private tokenText(t: number): string {
    let text = this.tokenTexts[t];
    if (text === undefined) {
      text = `["w",${JSON.stringify(this.tokenWords[t])}]`;
      this.tokenTexts[t] = text;
    }
    return text;
  }

  /**
   * p's tokens that may be told, and per customer on their lists the one with the largest
   * IDF-weighted strength (bestToken, stamped with this round). Whether a token may be told
   * is the token's own property, so it is decided once per token and kept.
   */
  private tellableTokens(p: number, affinity: Affinity): boolean {
    const tokens = affinity.tokens;
    const round = ++this.round;
    const from = tokens.start[p];
    const to = tokens.start[p + 1];
    let texts: string[] | undefined;
    let any = false;
    for (let i = from; i < to; i++) {
      const t = tokens.tokens[i];
      let words = this.tokenWords[t];
      if (words === undefined) {
        texts ??= nameTokens(this.data.productNames[p] ?? "");
        words = this.tellable(texts[i - from], t, tokens);
        this.tokenWords[t] = words;
      }
      if (words === null) continue;
      any = true;
      for (let j = affinity.tokenStart[t]; j < affinity.tokenStart[t + 1]; j++) {
        const c = affinity.tokenCustomers[j];
        const value = tokens.idf[t] * affinity.tokenStrength[j];
        if (this.stamp[c] !== round || value > this.bestValue[c]) {
          this.stamp[c] = round;
          this.bestToken[c] = t;
          this.bestValue[c] = value;
        }
      }
    }
    return any;
  }

  /** A token's words when it may be told (on two products or more, stable, every word informative), else null. */
  private tellable(text: string, t: number, tokens: ProductTokens): string[] | null {
    const words = text.split(" ");
    // A product's single words come before its pairs (nameTokens), so a pair's words are known here.
    if (words.length === 1) this.wordDf.set(text, tokens.df[t]);
    if (tokens.df[t] < 2 || !this.stable[t]) return null;
    const common = Math.max(2, COMMON_SHARE * this.data.products.length);
    for (const w of words) {
      const df = words.length === 1 ? tokens.df[t] : this.wordDf.get(w);
      if (Array.from(w).length < 2 || df === undefined || df > common) return null;
    }
    return words;
  }

  private productId(q: number): number | string {
    const id = this.data.products[q];
    return this.idType === "number" ? Number(id) : id;
  }

  /** The customer's heaviest event (index) with product q among their newest rows (the newest of equals). */
  private eventWith(c: number, q: number): number {
    const { data, byCustomer, customerProduct } = this;
    let best = -1;
    const end = Math.min(byCustomer.start[c + 1], byCustomer.start[c] + WALK_ROWS);
    for (let j = byCustomer.start[c]; j < end; j++) {
      if (customerProduct[j] !== q) continue;
      const e = data.event[byCustomer.rows[j]];
      if (best < 0 || data.eventWeights[e] > data.eventWeights[best]) best = e;
    }
    return best;
  }

  /** Among the customer's newest rows, the product most similar to p by shared customers; -1 if none. */
  private similarProduct(p: number, c: number, affinity: Affinity): number {
    const { byCustomer, customerProduct } = this;
    let best = -1;
    let bestSim = 0;
    const end = Math.min(byCustomer.start[c + 1], byCustomer.start[c] + WALK_ROWS);
    for (let j = byCustomer.start[c]; j < end; j++) {
      const q = customerProduct[j];
      if (q === p) continue;
      const sim = affinity.coSimilarity(p, q);
      if (sim > bestSim) {
        bestSim = sim;
        best = q;
      }
    }
    return best;
  }
}
