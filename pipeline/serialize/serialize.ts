// Serialization: one finished JSON response per product and n-variant, so the worker
// serves bytes as stored. Bodies follow the contract in worker/contract.ts.
//
// This is the hot loop of a build (about a million values, a gigabyte or more of JSON for
// the real data set), so the strings are assembled from cached pieces: each customer's
// `{"customer_id":…,"score":` once, the 10,001 possible 4-decimal scores once, each
// `,"rank":i}` once. Each variant's list extends the previous one's, so variant n is
// byte-for-byte a prefix of n+1's list. The same renderer can emit values already escaped
// for the wrangler bulk file (every `"` as `\"`), which saves a JSON.stringify per value:
// ids, versions and notes never contain characters that need any other escape.
import {
  type IdType,
  isCanonicalSafeInteger,
  keys,
  MAX_SAMPLE_PRODUCTS,
  NOTES,
} from "../../worker/contract.js";
import type { Audience } from "../model/types.js";
import type { KvPair } from "./manifest.js";

/** `number` only when every id of the build is a canonical safe integer. */
export function decideIdType(...idLists: string[][]): IdType {
  for (const ids of idLists) for (const id of ids) if (!isCanonicalSafeInteger(id)) return "string";
  return "number";
}

const SCORE_STEPS = 10_000;

export function roundScore(score: number): number {
  return Math.round(score * SCORE_STEPS) / SCORE_STEPS;
}

export interface ResponseContext {
  version: string;
  generatedAt: string;
  idType: IdType;
  variants: number[];
  customerIds: string[];
}

/** The bodies of every variant of one audience, smallest first (plain JSON). */
export function renderVariants(
  ctx: ResponseContext,
  productJson: string,
  audience: Audience,
  fallback: boolean,
  name: string | null = null,
): string[] {
  const rendered = new Renderer(ctx, '"').render(productJson, audience, fallback, name);
  return rendered.ends.map((_, i) => valueOf(rendered, i));
}

/**
 * One audience rendered for every variant, in pieces: variant i's value is
 * `head + list.slice(0, ends[i]) + closes[i]`. Kept in pieces so the writer copies each
 * byte once (a joined value would be copied to join it, then again to write it).
 */
export interface Rendered {
  head: string;
  /**
   * The largest variant's list items, comma-separated, as bytes (ASCII). A view of the
   * renderer's scratch buffer: valid until its next render call.
   */
  list: Buffer;
  ends: number[];
  /** What follows each variant's list: `],"count":n,…}` (pre-encoded, shared across calls). */
  closes: Uint8Array[];
  /** Each value's size in bytes as served (unescaped). */
  bytes: number[];
}

// biome-ignore lint/suspicious/noShadowRestrictedNames: a module function, not Object.prototype.valueOf
export function valueOf(rendered: Rendered, i: number): string {
  return (
    rendered.head +
    rendered.list.toString("latin1", 0, rendered.ends[i]) +
    Buffer.from(rendered.closes[i]).toString("utf8")
  );
}

/**
 * Strings packed into one byte array, string k at bytes[start[k] .. start[k] + length[k]),
 * each entry padded to a multiple of 4 bytes so it can be copied 4 bytes at a time.
 */
interface Packed {
  view: DataView;
  start: Int32Array;
  length: Int32Array;
}

function pack(texts: string[]): Packed {
  const start = new Int32Array(texts.length + 1);
  const length = new Int32Array(texts.length);
  for (let k = 0; k < texts.length; k++) {
    length[k] = Buffer.byteLength(texts[k], "latin1");
    start[k + 1] = start[k] + ((length[k] + 3) & ~3);
  }
  const bytes = Buffer.alloc(start[texts.length]);
  for (let k = 0; k < texts.length; k++) bytes.write(texts[k], start[k], "latin1");
  return { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), start, length };
}

/**
 * `before + text + after` for every text, packed as pack() does, without making those
 * strings: for the per-customer openers that would be millions of short-lived strings.
 */
function packWrapped(texts: string[], before: string, after: string): Packed {
  const start = new Int32Array(texts.length + 1);
  const length = new Int32Array(texts.length);
  const around = Buffer.byteLength(before, "latin1") + Buffer.byteLength(after, "latin1");
  for (let k = 0; k < texts.length; k++) {
    length[k] = around + Buffer.byteLength(texts[k], "latin1");
    start[k + 1] = start[k] + ((length[k] + 3) & ~3);
  }
  const bytes = Buffer.alloc(start[texts.length]);
  for (let k = 0; k < texts.length; k++) {
    let at = start[k];
    at += bytes.write(before, at, "latin1");
    at += bytes.write(texts[k], at, "latin1");
    bytes.write(after, at, "latin1");
  }
  return { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), start, length };
}

/**
 * Spare bytes a list buffer needs past its last item: copies move whole 4-byte words, so
 * the last one may run up to 3 bytes past the item (the next item overwrites them).
 */
export const LIST_SLACK = 4;

/**
 * Copies entry k of `from` to `to` at `at` and returns where it ends. One 32-bit move per 4
 * bytes halved the render time of a byte loop (and native copies cost more per call than
 * these items are long). Little-endian both ways, so bytes keep their order on any host.
 */
function copyEntry(to: DataView, at: number, from: Packed, k: number): number {
  const view = from.view;
  const length = from.length[k];
  for (let i = from.start[k], end = i + length, o = at; i < end; i += 4, o += 4)
    to.setUint32(o, view.getUint32(i, true), true);
  return at + length;
}

export class Renderer {
  // Items are assembled from packed tables: no string per item, nothing for the garbage
  // collector, and the copies are short loops of 32-bit moves the JIT compiles well.
  /** Per customer `{"customer_id":ID,"score":`, per score its digits, per rank `,"rank":i}`. */
  private readonly openers: Packed;
  private readonly scores: Packed;
  private readonly rankClosers: Packed;
  private scratch: Buffer;
  /** Where each item of the current list ends, and each variant's list. */
  private readonly itemEnds: Int32Array;
  private readonly variantEnds: Int32Array;
  /** The most bytes one rendered item takes (with its comma). */
  readonly maxItemBytes: number;
  private readonly tails: Record<"ranked" | "fallback", string>;
  /** `],"count":n` + tail for every n, per kind, encoded once. */
  private readonly closeBytes: Record<"ranked" | "fallback", Buffer[]>;
  private readonly maxN: number;
  /** Extra characters escaping adds per item, to turn escaped lengths into served bytes. */
  private readonly itemEscapes: number;
  /** Served bytes of everything but the product id, the list and the count digits. */
  private readonly frameBytes: Record<"ranked" | "fallback", number>;

  /** The context without its customer ids: packed into `openers`, the strings need not stay alive. */
  private readonly ctx: Omit<ResponseContext, "customerIds">;

  /** `q` is the quote as it appears in the output: `"` for plain JSON, `\\"` inside a JSON string. */
  constructor(
    ctx: ResponseContext,
    private readonly q: '"' | '\\"',
  ) {
    const { customerIds, ...rest } = ctx;
    this.ctx = rest;
    this.maxN = ctx.variants[ctx.variants.length - 1];
    const quote = ctx.idType === "number" ? "" : q;
    this.openers = packWrapped(customerIds, `{${q}customer_id${q}:${quote}`, `${quote},${q}score${q}:`);
    this.scores = pack(Array.from({ length: SCORE_STEPS + 1 }, (_, k) => String(k / SCORE_STEPS)));
    // The comma after each item comes with its closer; the last one is cut off by the ends.
    this.rankClosers = pack(Array.from({ length: this.maxN }, (_, i) => `,${q}rank${q}:${i + 1}},`));
    let longestOpener = 0;
    for (let c = 0; c < customerIds.length; c++)
      longestOpener = Math.max(longestOpener, this.openers.length[c]);
    this.maxItemBytes = longestOpener + 6 + this.rankClosers.length[this.maxN - 1];
    this.scratch = Buffer.allocUnsafe(Math.max(1024, this.maxN * this.maxItemBytes + LIST_SLACK));
    this.itemEnds = new Int32Array(this.maxN);
    this.variantEnds = new Int32Array(ctx.variants.length);
    // A JSON string literal in this renderer's output, whatever its characters.
    const literal = (text: string, quote: string) =>
      quote === '"' ? JSON.stringify(text) : JSON.stringify(JSON.stringify(text)).slice(1, -1);
    const tail = (fallback: boolean, quote: string) =>
      `,${quote}model_version${quote}:${literal(ctx.version, quote)},${quote}generated_at${quote}:${literal(ctx.generatedAt, quote)},` +
      `${quote}fallback${quote}:${fallback},${quote}note${quote}:${literal(fallback ? NOTES.fallback : NOTES.ranked, quote)}}`;
    this.tails = { ranked: tail(false, q), fallback: tail(true, q) };
    const closes = (t: string) =>
      Array.from({ length: this.maxN + 1 }, (_, n) => Buffer.from(`],${q}count${q}:${n}${t}`));
    this.closeBytes = { ranked: closes(this.tails.ranked), fallback: closes(this.tails.fallback) };
    this.itemEscapes = (q.length - 1) * (ctx.idType === "string" ? 8 : 6);
    const frame = (fallback: boolean) =>
      Buffer.byteLength(`{"product_id":,"product_name":,"recommendations":[],"count":${tail(fallback, '"')}`);
    this.frameBytes = { ranked: frame(false), fallback: frame(true) };
  }

  /**
   * `productJson` is the product id as JSON (number, quoted string, or null), quoted with
   * this renderer's `q`; `name` the product's served name. Scores are clamped to 0..1
   * (they are by construction).
   */
  render(productJson: string, audience: Audience, fallback: boolean, name: string | null = null): Rendered {
    const variantEnds = this.variantEnds;
    const o = this.renderList(audience, this.scratch, 0, variantEnds, 0);
    return this.assemble(
      productJson,
      audience.customers.length,
      this.scratch.subarray(0, o),
      variantEnds,
      0,
      fallback,
      name,
    );
  }

  /**
   * Writes the audience's items (at most maxN), each followed by a comma, into `out` from
   * `at`, and each variant's list length (without the last comma) into `variantEnds` from
   * `endsAt`. Returns the bytes written. `out` needs maxN · maxItemBytes + LIST_SLACK bytes
   * from `at`.
   */
  renderList(
    audience: Audience,
    out: Uint8Array,
    at: number,
    variantEnds: Int32Array,
    endsAt: number,
  ): number {
    const size = Math.min(this.maxN, audience.customers.length);
    const { openers, scores, rankClosers, itemEnds } = this;
    const to = this.viewOf(out);
    let o = at;
    for (let i = 0; i < size; i++) {
      const step = Math.min(SCORE_STEPS, Math.max(0, Math.round(audience.scores[i] * SCORE_STEPS)));
      o = copyEntry(to, o, openers, audience.customers[i]);
      o = copyEntry(to, o, scores, step);
      o = copyEntry(to, o, rankClosers, i);
      itemEnds[i] = o - at - 1;
    }
    const variants = this.ctx.variants;
    for (let v = 0; v < variants.length; v++) {
      const count = Math.min(variants[v], size);
      variantEnds[endsAt + v] = count > 0 ? itemEnds[count - 1] : 0;
    }
    return o - at;
  }

  private lastOut: Uint8Array | undefined;
  private lastView: DataView | undefined;

  /** A DataView over `out`, kept while the same buffer comes back (most calls). */
  private viewOf(out: Uint8Array): DataView {
    if (out !== this.lastOut) {
      this.lastOut = out;
      this.lastView = new DataView(out.buffer, out.byteOffset, out.byteLength);
    }
    return this.lastView!;
  }

  /** The pieces of an audience of `length` customers whose list renderList wrote into `list`. */
  assemble(
    productJson: string,
    length: number,
    list: Buffer,
    variantEnds: Int32Array,
    endsAt: number,
    fallback: boolean,
    name: string | null = null,
  ): Rendered {
    const { ctx, q } = this;
    const kind = fallback ? "fallback" : "ranked";
    // Names are the one free text in a value: escaped as JSON, then again for the bulk file.
    const nameJson = name === null ? "null" : JSON.stringify(name);
    const nameText = q === '"' ? nameJson : JSON.stringify(nameJson).slice(1, -1);
    const head = `{${q}product_id${q}:${productJson},${q}product_name${q}:${nameText},${q}recommendations${q}:[`;
    const productBytes =
      productJson.length -
      (q.length === 2 && productJson.startsWith(q) ? 2 : 0) +
      Buffer.byteLength(nameJson);
    const size = Math.min(this.maxN, length);
    const ends: number[] = [];
    const closes: Uint8Array[] = [];
    const bytes: number[] = [];
    for (let v = 0; v < ctx.variants.length; v++) {
      const count = Math.min(ctx.variants[v], size);
      const end = variantEnds[endsAt + v];
      const countText = String(count);
      ends.push(end);
      closes.push(this.closeBytes[kind][count]);
      bytes.push(this.frameBytes[kind] + productBytes + countText.length + end - count * this.itemEscapes);
    }
    return { head, list, ends, closes, bytes };
  }
}

export function productJsonOf(productId: string, idType: IdType, q: string): string {
  return idType === "number" ? productId : `${q}${productId}${q}`;
}

/** The sample's names, in the sample's order (`/products/sample` pairs them with the ids). */
export function sampleNamesPair(
  ctx: ResponseContext,
  productIds: string[],
  data: { products: string[]; latestNames: (string | null)[] },
): KvPair {
  // One pass over the products against a map of the sample (a map of every product cost
  // a third of a second at 200,000 products, on the build's critical path).
  const sample = productIds.slice(0, MAX_SAMPLE_PRODUCTS);
  const at = new Map(sample.map((id, i) => [id, i]));
  const names: (string | null)[] = sample.map(() => null);
  data.products.forEach((id, p) => {
    const i = at.get(id);
    if (i !== undefined) names[i] = data.latestNames[p] ?? null;
  });
  return { key: keys.sampleNames(ctx.version), value: JSON.stringify(names) };
}

export function samplePair(ctx: ResponseContext, productIds: string[]): KvPair {
  const sample = productIds
    .slice(0, MAX_SAMPLE_PRODUCTS)
    .map((id) => (ctx.idType === "number" ? Number(id) : id));
  return { key: keys.sample(ctx.version), value: JSON.stringify(sample) };
}
