// Serialization: one finished JSON response per product and n-variant, so the worker
// serves bytes as stored. Bodies follow the contract in worker/contract.ts.
//
// This is the hot loop of a build (about a million values, a gigabyte or more of JSON for
// the real data set), so the strings are assembled from cached pieces: each customer's id,
// the 10,001 possible 4-decimal scores once (each with the `,"score":` before it), each
// `,"rank":i},{"customer_id":` once (the next item's opener rides on the previous item's
// closer). Each variant's list extends the previous one's, so variant n is byte-for-byte a
// prefix of n+1's list. The same renderer can emit values already escaped for the wrangler
// bulk file (every `"` as `\"`), which saves a JSON.stringify per value: ids, versions and
// notes never contain characters that need any other escape.
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

/**
 * What a body answers, which sets its closing fields: a product's ranked audience, the
 * fallback audience of a product the build never saw, or a product's retarget audience.
 */
export type BodyKind = "ranked" | "fallback" | "retarget";

/** The bodies of every variant of one audience, smallest first (plain JSON). */
export function renderVariants(
  ctx: ResponseContext,
  productJson: string,
  audience: Audience,
  kind: BodyKind,
  name: string | null = null,
): string[] {
  const rendered = new Renderer(ctx, '"').render(productJson, audience, kind, name);
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
   * renderer's scratch buffer: valid until its next render call, like the arrays below.
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

/**
 * Writes `text` as latin1 (each character's low byte, as Buffer's "latin1" does) at `at` and
 * returns its length. A loop here, not Buffer.write: ids are a few characters long, and a
 * native call per id was ~1.5 µs, 25 s for 17 million customer ids.
 */
function writeLatin1(bytes: Uint8Array, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) bytes[at + i] = text.charCodeAt(i);
  return text.length;
}

function pack(texts: string[]): Packed {
  const start = new Int32Array(texts.length + 1);
  const length = new Int32Array(texts.length);
  for (let k = 0; k < texts.length; k++) {
    length[k] = texts[k].length;
    start[k + 1] = start[k] + ((length[k] + 3) & ~3);
  }
  const bytes = new Uint8Array(start[texts.length]);
  for (let k = 0; k < texts.length; k++) writeLatin1(bytes, start[k], texts[k]);
  return { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), start, length };
}

/**
 * Customer ids in fixed-size slots: id k's length is the byte at k · stride, its bytes follow.
 * An item's one lookup that misses the cache (customers are spread over a table of hundreds
 * of thousands), so it is one slot, a few bytes wide, instead of a start, a length and the
 * bytes in three places. Packed by the build's main thread and moved to the serialize
 * thread as they are: as one string per id there, 17 million ids cost ~0.7 GB at once.
 */
export interface IdSlots {
  bytes: Uint8Array;
  stride: number;
}

/** The ids in slots: ids[k] in slot slotOf[k] with slotOf, in slot k without. */
export function packIds(ids: string[], slotOf?: Int32Array): IdSlots {
  let longest = 0;
  for (const id of ids) longest = Math.max(longest, id.length);
  if (longest > 255) throw new Error(`an id of ${longest} characters cannot be rendered`);
  const stride = (longest + 1 + 3) & ~3;
  // Written by slot: the strings are read in their own order, which is the order they were
  // made in and lie in memory (on 17M made-up ids, 2.5-3 s this way against 8-14 s in slot order).
  // Copies read whole words, so the last slot's may run 3 bytes past it. Its own buffer
  // (not the pool's), so that it can be transferred.
  const bytes = new Uint8Array(ids.length * stride + 4);
  for (let k = 0; k < ids.length; k++) {
    const at = (slotOf ? slotOf[k] : k) * stride;
    bytes[at] = writeLatin1(bytes, at + 1, ids[k]);
  }
  return { bytes, stride };
}

interface Slots {
  view: DataView;
  stride: number;
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

/** copyEntry for slot k of `from`. */
function copySlot(to: DataView, at: number, from: Slots, k: number): number {
  const view = from.view;
  const slot = k * from.stride;
  const length = view.getUint8(slot);
  for (let i = slot + 1, end = i + length, o = at; i < end; i += 4, o += 4)
    to.setUint32(o, view.getUint32(i, true), true);
  return at + length;
}

export class Renderer {
  // Items are assembled from packed tables: no string per item, nothing for the garbage
  // collector, and the copies are short loops of 32-bit moves the JIT compiles well.
  /**
   * An item is `{"customer_id":` ID `,"score":S` `,"rank":i}`: the list's first opener, then
   * per item the customer's id, the score with what precedes it, and the rank closer with
   * the comma and the next item's opener (past the last item, cut off by the ends).
   */
  private readonly opener: Packed;
  private readonly ids: Slots;
  private readonly scores: Packed;
  private readonly rankClosers: Packed;
  private scratch: Buffer;
  /** Where each item of the current list ends, and each variant's list. */
  private readonly itemEnds: Int32Array;
  private readonly variantEnds: Int32Array;
  /** Bytes to allow per item when sizing a list buffer (see renderList). */
  readonly maxItemBytes: number;
  /** `],"count":n` + tail for every n, per kind, encoded once. */
  private readonly closeBytes: Record<BodyKind, Buffer[]>;
  private readonly maxN: number;
  /** Extra characters escaping adds per item, to turn escaped lengths into served bytes. */
  private readonly itemEscapes: number;
  /** Served bytes of everything but the product id, the list and the count digits. */
  private readonly frameBytes: Record<BodyKind, number>;

  /** The context without its customer ids: copied into `ids`, the strings need not stay alive. */
  private readonly ctx: Omit<ResponseContext, "customerIds">;

  /**
   * `q` is the quote as it appears in the output: `"` for plain JSON, `\\"` inside a JSON
   * string. `ids`: the context's customer ids, packed already (then they may be left out).
   */
  constructor(
    ctx: ResponseContext,
    private readonly q: '"' | '\\"',
    ids: IdSlots = packIds(ctx.customerIds),
  ) {
    const { customerIds: _ids, ...rest } = ctx;
    this.ctx = rest;
    this.maxN = ctx.variants[ctx.variants.length - 1];
    const quote = ctx.idType === "number" ? "" : q;
    const opener = `{${q}customer_id${q}:${quote}`;
    this.opener = pack([opener]);
    this.ids = {
      view: new DataView(ids.bytes.buffer, ids.bytes.byteOffset, ids.bytes.byteLength),
      stride: ids.stride,
    };
    this.scores = pack(
      Array.from({ length: SCORE_STEPS + 1 }, (_, k) => `${quote},${q}score${q}:${k / SCORE_STEPS}`),
    );
    this.rankClosers = pack(Array.from({ length: this.maxN }, (_, i) => `,${q}rank${q}:${i + 1}},${opener}`));
    // Counting an opener twice per item covers the one written past the last item.
    this.maxItemBytes =
      this.ids.stride +
      this.opener.length[0] +
      Math.max(...this.scores.length) +
      this.rankClosers.length[this.maxN - 1];
    this.scratch = Buffer.allocUnsafe(Math.max(1024, this.maxN * this.maxItemBytes + LIST_SLACK));
    this.itemEnds = new Int32Array(this.maxN);
    this.variantEnds = new Int32Array(ctx.variants.length);
    // A JSON string literal in this renderer's output, whatever its characters.
    const literal = (text: string, quote: string) =>
      quote === '"' ? JSON.stringify(text) : JSON.stringify(JSON.stringify(text)).slice(1, -1);
    const tail = (kind: BodyKind, quote: string) =>
      `,${quote}model_version${quote}:${literal(ctx.version, quote)},${quote}generated_at${quote}:${literal(ctx.generatedAt, quote)},` +
      `${quote}fallback${quote}:${kind === "fallback"},${quote}note${quote}:${literal(NOTES[kind], quote)}}`;
    const closes = (kind: BodyKind) =>
      Array.from({ length: this.maxN + 1 }, (_, n) => Buffer.from(`],${q}count${q}:${n}${tail(kind, q)}`));
    const frame = (kind: BodyKind) =>
      Buffer.byteLength(`{"product_id":,"product_name":,"recommendations":[],"count":${tail(kind, '"')}`);
    this.closeBytes = {
      ranked: closes("ranked"),
      fallback: closes("fallback"),
      retarget: closes("retarget"),
    };
    this.frameBytes = { ranked: frame("ranked"), fallback: frame("fallback"), retarget: frame("retarget") };
    this.itemEscapes = (q.length - 1) * (ctx.idType === "string" ? 8 : 6);
  }

  /**
   * `productJson` is the product id as JSON (number, quoted string, or null), quoted with
   * this renderer's `q`; `name` the product's served name. Scores are clamped to 0..1
   * (they are by construction).
   */
  render(productJson: string, audience: Audience, kind: BodyKind, name: string | null = null): Rendered {
    const variantEnds = this.variantEnds;
    const o = this.renderList(audience, this.scratch, 0, variantEnds, 0);
    return this.assemble(
      productJson,
      audience.customers.length,
      this.scratch.subarray(0, o),
      variantEnds,
      0,
      kind,
      name,
    );
  }

  /**
   * Writes the audience's items (at most maxN), each followed by a comma, into `out` from
   * `at`, and each variant's list length (without the last comma) into `variantEnds` from
   * `endsAt`. Returns the items' bytes, commas included (scratch bytes may follow them).
   * `out` needs maxN · maxItemBytes + LIST_SLACK bytes from `at`.
   */
  renderList(
    audience: Audience,
    out: Uint8Array,
    at: number,
    variantEnds: Int32Array,
    endsAt: number,
  ): number {
    const size = Math.min(this.maxN, audience.customers.length);
    const { ids, scores, rankClosers, itemEnds } = this;
    const to = this.viewOf(out);
    // What follows an item's `}`: the comma and the next opener.
    const next = this.opener.length[0] + 1;
    let o = copyEntry(to, at, this.opener, 0);
    for (let i = 0; i < size; i++) {
      const step = Math.min(SCORE_STEPS, Math.max(0, Math.round(audience.scores[i] * SCORE_STEPS)));
      o = copySlot(to, o, ids, audience.customers[i]);
      o = copyEntry(to, o, scores, step);
      o = copyEntry(to, o, rankClosers, i);
      itemEnds[i] = o - at - next;
    }
    const variants = this.ctx.variants;
    for (let v = 0; v < variants.length; v++) {
      const count = Math.min(variants[v], size);
      variantEnds[endsAt + v] = count > 0 ? itemEnds[count - 1] : 0;
    }
    return size > 0 ? itemEnds[size - 1] + 1 : 0;
  }

  /** The arrays of the last Rendered, reused (a product's pieces live until the next one's). */
  private readonly ends: number[] = [];
  private readonly closes: Uint8Array[] = [];
  private readonly bytes: number[] = [];

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
    kind: BodyKind,
    name: string | null = null,
  ): Rendered {
    const { ctx, q } = this;
    // Names are the one free text in a value: escaped as JSON, then again for the bulk file.
    const nameJson = name === null ? "null" : JSON.stringify(name);
    const nameText = q === '"' ? nameJson : JSON.stringify(nameJson).slice(1, -1);
    const head = `{${q}product_id${q}:${productJson},${q}product_name${q}:${nameText},${q}recommendations${q}:[`;
    const productBytes =
      productJson.length -
      (q.length === 2 && productJson.startsWith(q) ? 2 : 0) +
      Buffer.byteLength(nameJson);
    const size = Math.min(this.maxN, length);
    const { ends, closes, bytes } = this;
    for (let v = 0; v < ctx.variants.length; v++) {
      const count = Math.min(ctx.variants[v], size);
      const end = variantEnds[endsAt + v];
      const countDigits = count < 10 ? 1 : count < 100 ? 2 : String(count).length;
      ends[v] = end;
      closes[v] = this.closeBytes[kind][count];
      bytes[v] = this.frameBytes[kind] + productBytes + countDigits + end - count * this.itemEscapes;
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
