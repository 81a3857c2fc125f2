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
//
// The work is split across the build's two threads (docs/threads.md): right after ranking a
// product, the ranking thread takes the round's Evidence (per customer which source is
// stronger, and the products co-interaction reached with their similarity), which is all the
// ranking's transient state the reasons read; the Explainer, on the serialize thread, finds
// and writes the reasons from that and from read-only ReasonsInput it receives once.
import type { IdType } from "../../worker/contract.js";
import type { Interactions } from "../ingest/ingest.js";
import type { Affinity, AffinityScratch } from "./affinity.js";
import type { Groups } from "./groups.js";
import { sharedInt32, sharedUint8 } from "./shared-arrays.js";
import { nameTokens, type ProductTokens } from "./tokens.js";

/** A word in more than this share of all names says nothing about a product. */
const COMMON_SHARE = 0.2;
/** Newest rows of a customer searched for the similar product. */
const WALK_ROWS = 8;

/** Bytes one `at` entry may take: a comma and a reason index (at most the audience size). */
const AT_BYTES = 8;

/** Token states (Explainer.tokenState). */
const UNKNOWN = 0;
const TOLD = 1;
const NOT_TOLD = 2;

/** Evidence code bits of one audience customer. */
const TOUCHED = 1;
const HAS_CO = 2;
const HAS_NAMES = 4;
/** The co-interaction share is at least the names share. */
const CO_FIRST = 8;

/** What the reasons read of the build, read-only: made once by the ranking thread. */
export interface ReasonsInput {
  idType: IdType;
  productIds: string[];
  /** Served names (as of each product's latest row) and the names the model read. */
  latestNames: (string | null)[];
  modelNames: string[];
  events: string[];
  eventWeights: Float64Array;
  /** Each customer's newest WALK_ROWS rows (by-customer order): walk[walkStart[c] .. walkStart[c + 1]). */
  walkStart: Int32Array;
  walkProduct: Int32Array;
  walkEvent: Uint8Array;
  tokens: ProductTokens;
  /** The affinity's per-token customer lists (affinity.ts), empty without affinity. */
  tokenStart: Int32Array;
  tokenCustomers: Int32Array;
  tokenStrength: Float32Array;
}

/** Of one ranked product, what its ranking round knew that its reasons need. */
export interface Evidence {
  /** Per audience customer: TOUCHED, HAS_CO, HAS_NAMES and CO_FIRST bits (0 when not a candidate). */
  codes: Uint8Array;
  /** Whether the name source had any candidate for the product. */
  hasNames: boolean;
  /** The products co-interaction reached, and each one's similarity to the product. */
  neighbours: Int32Array;
  sims: Float64Array;
}

export function reasonsInput(
  data: Interactions,
  byCustomer: Groups,
  idType: IdType,
  affinity: Affinity | undefined,
): ReasonsInput {
  const C = data.customers.length;
  const walkStart = sharedInt32(C + 1);
  for (let c = 0; c < C; c++)
    walkStart[c + 1] = walkStart[c] + Math.min(WALK_ROWS, byCustomer.start[c + 1] - byCustomer.start[c]);
  const walkProduct = sharedInt32(walkStart[C]);
  const walkEvent = sharedUint8(walkStart[C]);
  for (let c = 0; c < C; c++) {
    for (let j = walkStart[c], i = byCustomer.start[c]; j < walkStart[c + 1]; j++, i++) {
      const row = byCustomer.rows[i];
      walkProduct[j] = data.product[row];
      walkEvent[j] = data.event[row];
    }
  }
  return {
    idType,
    productIds: data.products,
    latestNames: data.latestNames,
    modelNames: data.productNames,
    events: data.events,
    eventWeights: data.eventWeights,
    walkStart,
    walkProduct,
    walkEvent,
    tokens: affinity?.tokens ?? {
      start: new Int32Array(data.products.length + 1),
      tokens: new Int32Array(0),
      df: new Int32Array(0),
      idf: new Float64Array(0),
      count: 0,
    },
    tokenStart: affinity?.tokenStart ?? new Int32Array(1),
    tokenCustomers: affinity?.tokenCustomers ?? new Int32Array(0),
    tokenStrength: affinity?.tokenStrength ?? new Float32Array(0),
  };
}

/**
 * Takes each ranked product's Evidence on the ranking thread, into arrays it reuses: valid
 * until the next take() (the caller copies them, as it copies the audience).
 */
export class EvidenceTaker {
  private codes = new Uint8Array(0);
  private sims = new Float64Array(0);

  constructor(private readonly affinity: Affinity | undefined) {}

  /** Right after the ranking produced p's audience: `s` still holds that round (undefined without affinity). */
  take(p: number, customers: Int32Array, s: AffinityScratch | undefined): Evidence {
    const affinity = this.affinity;
    if (this.codes.length < customers.length) this.codes = new Uint8Array(customers.length);
    const codes = this.codes;
    for (let k = 0; k < customers.length; k++) {
      const c = customers[k];
      let code = 0;
      if (affinity && s && affinity.touched(s, c)) {
        const co = affinity.coShare(s, c);
        const names = affinity.namesShare(s, c);
        code = TOUCHED | (co > 0 ? HAS_CO : 0) | (names > 0 ? HAS_NAMES : 0) | (co >= names ? CO_FIRST : 0);
      }
      codes[k] = code;
    }
    const neighbours = affinity ? affinity.coNeighbours() : new Int32Array(0);
    if (this.sims.length < neighbours.length) this.sims = new Float64Array(neighbours.length);
    for (let i = 0; i < neighbours.length; i++) this.sims[i] = affinity!.coSimilarity(p, neighbours[i]);
    return {
      codes: codes.subarray(0, customers.length),
      hasNames: affinity !== undefined && s?.hasNames === true,
      neighbours,
      sims: this.sims.subarray(0, neighbours.length),
    };
  }
}

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

/**
 * An array of n undefined entries, filled up front: an empty array written at scattered
 * indices past 100,000 or so turns into a dictionary, a hash lookup per read.
 */
function unknowns<T>(n: number): (T | undefined)[] {
  const array: (T | undefined)[] = [];
  for (let i = 0; i < n; i++) array.push(undefined);
  return array;
}

/** Finds and writes the reasons of audiences from their Evidence (on the serialize thread). */
export class Explainer {
  /** Per token: 1 when every product carrying it is served under the name the model read. */
  private readonly stable: Uint8Array;
  /**
   * Per audience position: the told token whose list holds that customer with the largest
   * IDF-weighted strength (-1: none), found through `slotKey`/`slotAt`, a small open-addressing
   * table from customer to position. Token lists are short but their customers are spread over
   * every customer of the build; a table the size of the audience stays in cache.
   */
  private bestToken = new Int32Array(0);
  private bestValue = new Float64Array(0);
  private slotKey = new Int32Array(0);
  private slotAt = new Int32Array(0);
  /** Per product: the similarity to the product being explained when simRound is this round. */
  private readonly simRound: Int32Array;
  private readonly simValue: Float64Array;
  /** Per token: its words when it may be told, null when not, undefined until first met. */
  private readonly tokenWords: (string[] | null | undefined)[];
  /**
   * Per token: UNKNOWN until first met, then TOLD or NOT_TOLD (tokenWords non-null or null):
   * a byte per token is read for every token of every product, far more cache-friendly than
   * the words themselves.
   */
  private readonly tokenState: Uint8Array;
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
  private out: Buffer = Buffer.allocUnsafe(4096);
  /** The served (plain JSON, UTF-8) size of the text explainInto last returned. */
  servedBytes = 0;
  /**
   * Each reason's JSON text as written (escaped with `q`), made on first use (see explain),
   * and per product and per token its served size in bytes.
   */
  private readonly productTexts: (string | undefined)[];
  private readonly productServed: Int32Array;
  private readonly eventTexts: (string | undefined)[] = [];
  private readonly eventServed: number[] = [];
  private readonly tokenTexts: (string | undefined)[];
  private readonly tokenServed: Int32Array;
  /** `"` for plain JSON, `\\"` for text inside a JSON string (the bulk file's values). */
  private readonly head: string;
  private readonly middle: string;

  /**
   * `q` is the quote as written: `"` for plain JSON, `\\"` for the text escaped for a JSON
   * string (the serialize thread writes it into the bulk files so, with no escaping pass).
   */
  constructor(
    private readonly input: ReasonsInput,
    private readonly q: '"' | '\\"' = '"',
  ) {
    const P = input.productIds.length;
    const tokens = input.tokens;
    this.simRound = new Int32Array(P);
    this.simValue = new Float64Array(P);
    this.productRound = new Int32Array(P);
    this.productReason = new Int32Array(P);
    this.tokenRound = new Int32Array(tokens.count);
    this.tokenReason = new Int32Array(tokens.count);
    this.reasonKeys = new Float64Array(0);
    this.tokenWords = unknowns(tokens.count);
    this.tokenState = new Uint8Array(tokens.count);
    this.tokenTexts = unknowns(tokens.count);
    this.productTexts = unknowns(P);
    this.productServed = new Int32Array(P);
    this.tokenServed = new Int32Array(tokens.count);
    this.head = `{${q}reasons${q}:[`;
    this.middle = `],${q}at${q}:[`;
    this.stable = new Uint8Array(tokens.count).fill(1);
    for (let p = 0; p < P; p++) {
      if ((input.latestNames[p] ?? "") === (input.modelNames[p] ?? "")) continue;
      for (let i = tokens.start[p]; i < tokens.start[p + 1]; i++) this.stable[tokens.tokens[i]] = 0;
    }
  }

  /**
   * The reasons for product p's audience (its customers, in rank order) as stored
   * (StoredReasons as JSON text, exactly what JSON.stringify makes of it). Written as text
   * from pieces cached per product and per token: the same evidence recurs across thousands
   * of audiences, and building and stringifying an object per audience cost more than
   * finding the evidence.
   */
  explain(p: number, customers: Int32Array, evidence: Evidence): string {
    return this.explainInto(p, customers, evidence).toString("utf8");
  }

  /**
   * explain's text as UTF-8 bytes, escaped with this explainer's `q`, and its served size in
   * servedBytes: a view of a buffer the next call overwrites.
   */
  explainInto(p: number, customers: Int32Array, evidence: Evidence): Buffer {
    const { codes, neighbours, sims } = evidence;
    // Reasons of this audience by key, 2·(product·256 + event) for a similar product or
    // 2·token + 1 for shared words; the first reason naming each product or token is found
    // by a stamp, so no map is built per audience.
    const round = ++this.reasonRound;
    for (let i = 0; i < neighbours.length; i++) {
      this.simRound[neighbours[i]] = round;
      this.simValue[neighbours[i]] = sims[i];
    }
    let reasons = 0;
    // The reasons' text (as written) so far and its served size.
    let reasonsText = "";
    let served = 0;
    if (this.reasonKeys.length < customers.length) {
      this.reasonKeys = new Float64Array(customers.length);
      this.atBytes = Buffer.allocUnsafe(customers.length * AT_BYTES);
    }
    // `at` is written as bytes into one buffer: as a string grown item by item it was a
    // hundred small strings per audience for the garbage collector.
    const atBytes = this.atBytes;
    let o = 0;
    const told = evidence.hasNames && this.tellableTokens(p, customers, codes);
    for (let k = 0; k < customers.length; k++) {
      const c = customers[k];
      const code = codes[k];
      // No closures in this loop: the build's TypeScript loader names every function it
      // creates (a defineProperty each), which cost more than the reasons themselves.
      let q = -1;
      let t = -1;
      if (code & TOUCHED) {
        const token = code & HAS_NAMES && told ? this.bestToken[k] : -1;
        if (code & CO_FIRST) {
          q = code & HAS_CO ? this.similarProduct(p, c, round) : -1;
          if (q < 0) t = token;
        } else {
          t = token;
          if (t < 0 && code & HAS_CO) q = this.similarProduct(p, c, round);
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
          served += (r > 0 ? 1 : 0) + this.productServed[q] + this.eventServed[event];
        }
      } else if (t >= 0) {
        if (this.tokenRound[t] === round) r = this.tokenReason[t];
        else {
          this.tokenRound[t] = round;
          r = this.tokenReason[t] = reasons++;
          this.reasonKeys[r] = 2 * t + 1;
          reasonsText += `${r > 0 ? "," : ""}${this.tokenText(t)}`;
          served += (r > 0 ? 1 : 0) + this.tokenServed[t];
        }
      }
      o = writeIndex(atBytes, o, k > 0, r);
    }
    // `{"reasons":[` … `],"at":[` … `]}`, served with one quote per `q`.
    const frame = this.head.length + this.middle.length + 2;
    // A UTF-8 byte count is at most 3 per UTF-16 unit.
    const size = frame + 3 * reasonsText.length + o;
    if (this.out.length < size) this.out = Buffer.allocUnsafe(Math.max(size, 2 * this.out.length));
    const out = this.out;
    // One write of the whole text: a native write per piece cost more than concatenating.
    let e = out.write(this.head + reasonsText + this.middle, 0, "utf8");
    e += atBytes.copy(out, e, 0, o);
    out[e++] = 0x5d;
    out[e++] = 0x7d;
    this.servedBytes = served + o + frame - (this.q.length - 1) * 4;
    return out.subarray(0, e);
  }

  /** `["p",id,name,` of a similar-product reason about q (the event and `]` follow). */
  private productText(q: number): string {
    let text = this.productTexts[q];
    if (text === undefined) {
      const plain = `["p",${JSON.stringify(this.productId(q))},${JSON.stringify(this.input.latestNames[q] ?? null)},`;
      text = this.written(plain);
      this.productTexts[q] = text;
      this.productServed[q] = Buffer.byteLength(plain);
    }
    return text;
  }

  private eventText(event: number): string {
    let text = this.eventTexts[event];
    if (text === undefined) {
      const plain = `${JSON.stringify(this.input.events[event])}]`;
      text = this.written(plain);
      this.eventTexts[event] = text;
      this.eventServed[event] = Buffer.byteLength(plain);
    }
    return text;
  }

  /** JSON text as this explainer writes it: as is, or escaped for a JSON string. */
  private written(plain: string): string {
    return this.q === '"' ? plain : JSON.stringify(plain).slice(1, -1);
  }

  /** `["w",[words]]` of a shared-words reason about token t (told tokens only). */
  private tokenText(t: number): string {
    let text = this.tokenTexts[t];
    if (text === undefined) {
      const plain = `["w",${JSON.stringify(this.tokenWords[t])}]`;
      text = this.written(plain);
      this.tokenTexts[t] = text;
      this.tokenServed[t] = Buffer.byteLength(plain);
    }
    return text;
  }

  /**
   * p's tokens that may be told, and per audience customer with HAS_NAMES the one whose list
   * holds them with the largest IDF-weighted strength (bestToken by position; the first of
   * equals in p's token order). Whether a token may be told is the token's own property, so
   * it is decided once per token and kept.
   */
  private tellableTokens(p: number, customers: Int32Array, codes: Uint8Array): boolean {
    const { tokens, tokenStart, tokenCustomers, tokenStrength } = this.input;
    const n = customers.length;
    if (this.bestToken.length < n) {
      this.bestToken = new Int32Array(n);
      this.bestValue = new Float64Array(n);
    }
    let bits = 4;
    while (1 << bits < 2 * n) bits++;
    const size = 1 << bits;
    if (this.slotKey.length < size) {
      this.slotKey = new Int32Array(size);
      this.slotAt = new Int32Array(size);
    }
    const { bestToken, bestValue, slotKey, slotAt } = this;
    const mask = size - 1;
    const shift = 32 - bits;
    // Keys are customer + 1, so 0 marks an empty slot.
    slotKey.fill(0, 0, size);
    for (let k = 0; k < n; k++) {
      bestToken[k] = -1;
      if (!(codes[k] & HAS_NAMES)) continue;
      const key = customers[k] + 1;
      let h = Math.imul(key, 0x9e3779b1) >>> shift;
      while (slotKey[h] !== 0) h = (h + 1) & mask;
      slotKey[h] = key;
      slotAt[h] = k;
    }
    const from = tokens.start[p];
    const to = tokens.start[p + 1];
    let texts: string[] | undefined;
    let any = false;
    for (let i = from; i < to; i++) {
      const t = tokens.tokens[i];
      let state = this.tokenState[t];
      if (state === UNKNOWN) {
        texts ??= nameTokens(this.input.modelNames[p] ?? "");
        const words = this.tellable(texts[i - from], t, tokens);
        this.tokenWords[t] = words;
        state = this.tokenState[t] = words === null ? NOT_TOLD : TOLD;
      }
      if (state === NOT_TOLD) continue;
      any = true;
      const idf = tokens.idf[t];
      for (let j = tokenStart[t]; j < tokenStart[t + 1]; j++) {
        const key = tokenCustomers[j] + 1;
        let h = Math.imul(key, 0x9e3779b1) >>> shift;
        while (slotKey[h] !== 0 && slotKey[h] !== key) h = (h + 1) & mask;
        if (slotKey[h] === 0) continue;
        const k = slotAt[h];
        const value = idf * tokenStrength[j];
        if (bestToken[k] < 0 || value > bestValue[k]) {
          bestToken[k] = t;
          bestValue[k] = value;
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
    const common = Math.max(2, COMMON_SHARE * this.input.productIds.length);
    for (const w of words) {
      const df = words.length === 1 ? tokens.df[t] : this.wordDf.get(w);
      if (Array.from(w).length < 2 || df === undefined || df > common) return null;
    }
    return words;
  }

  private productId(q: number): number | string {
    const id = this.input.productIds[q];
    return this.input.idType === "number" ? Number(id) : id;
  }

  /** The customer's heaviest event (index) with product q among their newest rows (the newest of equals). */
  private eventWith(c: number, q: number): number {
    const { walkStart, walkProduct, walkEvent, eventWeights } = this.input;
    let best = -1;
    for (let j = walkStart[c]; j < walkStart[c + 1]; j++) {
      if (walkProduct[j] !== q) continue;
      const e = walkEvent[j];
      if (best < 0 || eventWeights[e] > eventWeights[best]) best = e;
    }
    return best;
  }

  /**
   * Among the customer's newest rows, the product most similar to p by shared customers
   * (the products co-interaction reached this round); -1 if none.
   */
  private similarProduct(p: number, c: number, round: number): number {
    const { walkStart, walkProduct } = this.input;
    let best = -1;
    let bestSim = 0;
    for (let j = walkStart[c]; j < walkStart[c + 1]; j++) {
      const q = walkProduct[j];
      if (q === p || this.simRound[q] !== round) continue;
      const sim = this.simValue[q];
      if (sim > bestSim) {
        bestSim = sim;
        best = q;
      }
    }
    return best;
  }
}
