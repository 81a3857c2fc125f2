// Messages between a build and its serialize thread (serialize-thread.ts). Audiences travel
// in batches of flat typed arrays whose buffers are transferred, not copied.
import type { IdType } from "../../worker/contract.js";
import type { ReasonsInput } from "../model/reasons.js";
import type { ProductTokens } from "../model/tokens.js";
import type { KvPair, ManifestPart } from "./manifest.js";
import type { IdSlots } from "./serialize.js";

export interface InitMessage {
  type: "init";
  dir: string;
  version: string;
  generatedAt: string;
  idType: IdType;
  variants: number[];
  /** Customer ids packed for the renderer (serialize.ts, packIds); the buffer is transferred. */
  customerIds: IdSlots;
}

/**
 * Every product's id and served name, sent first: the search index, the renderer and the
 * reasons share them, so they cross the thread boundary once.
 */
export interface ProductsMessage {
  type: "products";
  /** Product ids by product index, joined by newlines (ids never hold one). */
  productIds: string;
  /** Served product names by product index, as one JSON array (names may hold any character). */
  productNames: string;
  /**
   * The names the model reads where they differ from the served name (a product without one
   * counts as ""): product indices, and their names as one JSON array. Nearly every product's
   * are the same, and serializing 8 million names again cost seconds.
   */
  renamedProducts: Int32Array;
  renamedNames: string;
}

/**
 * What the name search index needs (model/search-index.ts) besides the products, sent before init: the thread
 * builds the index while the build's main thread prepares the ranking, and sets the values
 * aside in a file under `dir` until finish (spool.ts).
 */
export interface SearchMessage {
  type: "search";
  dir: string;
  version: string;
  idType: IdType;
  product: Int32Array;
  customer: Int32Array;
  count: number;
}

/**
 * The read-only part of the reasons (model/reasons.ts, ReasonsInput), sent once after init,
 * whose ids, served names and id type it shares.
 */
export interface ReasonsMessage
  extends Omit<ReasonsInput, "idType" | "productIds" | "latestNames" | "modelNames"> {
  type: "reasons";
}

/**
 * Audience k of a batch is product products[k] with customers[offsets[k] .. offsets[k + 1]),
 * and the Evidence of its reasons: codes over the same range, hasNames[k], and the
 * neighbours/sims [neighbourStarts[k] .. neighbourStarts[k + 1]).
 */
export interface EvidenceParts {
  products: Int32Array;
  offsets: Int32Array;
  customers: Int32Array;
  codes: Uint8Array;
  hasNames: Uint8Array;
  neighbourStarts: Int32Array;
  neighbours: Int32Array;
  sims: Float64Array;
}

/**
 * The buffers of a batch's evidence, in the one order both sides use: the thread hands them
 * back for reuse, and the build side rebuilds the arrays from them in this order.
 */
export function evidenceBuffers(e: EvidenceParts): ArrayBufferLike[] {
  return [
    e.products.buffer,
    e.offsets.buffer,
    e.customers.buffer,
    e.codes.buffer,
    e.hasNames.buffer,
    e.neighbourStarts.buffer,
    e.neighbours.buffer,
    e.sims.buffer,
  ];
}

/** Audiences to render: audience k's scores are scores[offsets[k] .. offsets[k + 1]). */
export interface BatchMessage extends EvidenceParts {
  type: "batch";
  scores: Float64Array;
}

/**
 * Audiences the build thread rendered itself (when the serialize thread had a backlog):
 * product k's list is lists[listStarts[k] .. listStarts[k + 1]) and its audience had
 * lengths[k] customers; variantEnds[k · V + v] is variant v's list length (Renderer.renderList).
 */
export interface RenderedMessage {
  type: "rendered";
  products: Int32Array;
  lengths: Int32Array;
  listStarts: Int32Array;
  lists: Uint8Array;
  variantEnds: Int32Array;
  /**
   * Product k's stored reasons (StoredReasons as JSON, found there too), already escaped for
   * the bulk file: whyBytes[whyStarts[k] .. whyStarts[k + 1]), served in whyServed[k] bytes.
   */
  whyBytes: Uint8Array;
  whyStarts: Int32Array;
  whyServed: Int32Array;
}

/**
 * Retarget audiences (model/retarget.ts) to render and write: audience k is product
 * products[k] with customers (in the ranking's numbering, as the renderer's ids) and scores
 * [offsets[k] .. offsets[k + 1]). Its buffers are transferred.
 */
export interface RetargetMessage {
  type: "retarget";
  products: Int32Array;
  offsets: Int32Array;
  customers: Int32Array;
  scores: Float64Array;
}

export type ToThread =
  | ProductsMessage
  | InitMessage
  | RetargetMessage
  | SearchMessage
  | ReasonsMessage
  | BatchMessage
  | RenderedMessage
  | { type: "fallback"; customers: Int32Array; scores: Float64Array }
  | { type: "pair"; pair: KvPair }
  /** Every value written so far is void: delete the bulk files and start again (rank.ts, RESTART). */
  | { type: "restart" }
  | { type: "finish" };

export interface ThreadResult {
  parts: ManifestPart[];
  keys: number;
  bytes: number;
  fileBytes: number;
  /** Seconds the thread spent rendering values and writing them (overlapping the ranking). */
  renderSeconds: number;
  /** Seconds the thread spent finding reasons (model/reasons.ts, Explainer). */
  explainSeconds: number;
  writeSeconds: number;
}

/** A batch is done: its buffers come back for the next batch of the same kind. */
export interface AckMessage {
  type: "ack";
  /** "retarget" carries no buffers: it only tells the build that those audiences are written. */
  kind: "batch" | "rendered" | "retarget";
  buffers: ArrayBuffer[];
}

/** The search index's cut prefixes, sent as soon as the thread has worked them out (the meta carries them). */
export interface SearchCutMessage {
  type: "searchCut";
  prefixes: string[];
}

/**
 * The model names' tokens (model/tokens.ts), which the thread makes right after the products
 * message while the build's main thread groups rows and scores customers. Shared memory.
 */
export interface TokensMessage {
  type: "tokens";
  tokens: ProductTokens;
}

export type FromThread =
  | AckMessage
  | SearchCutMessage
  | TokensMessage
  | ({ type: "done" } & ThreadResult)
  | { type: "error"; message: string };
