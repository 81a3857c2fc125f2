// Messages between a build and its serialize thread (serialize-thread.ts). Audiences travel
// in batches of flat typed arrays whose buffers are transferred, not copied.
import type { IdType } from "../../worker/contract.js";
import type { ManifestPart } from "./manifest.js";
import type { KvPair } from "./serialize.js";

export interface InitMessage {
  type: "init";
  dir: string;
  version: string;
  generatedAt: string;
  idType: IdType;
  variants: number[];
  /** Ids joined by "\n": one string clones far faster than a million (ids never hold "\n"). */
  customerIds: string;
  productIds: string;
}

/** Audience k of the batch is product products[k]: customers/scores[offsets[k] .. offsets[k + 1]). */
export interface BatchMessage {
  type: "batch";
  products: Int32Array;
  offsets: Int32Array;
  customers: Int32Array;
  scores: Float64Array;
}

export type ToThread =
  | InitMessage
  | BatchMessage
  | { type: "fallback"; customers: Int32Array; scores: Float64Array }
  | { type: "pair"; pair: KvPair }
  | { type: "finish" };

export interface ThreadResult {
  parts: ManifestPart[];
  keys: number;
  bytes: number;
  fileBytes: number;
  /** Seconds the thread spent rendering values and writing them (overlapping the ranking). */
  renderSeconds: number;
  writeSeconds: number;
}

export type FromThread = { type: "ack" } | ({ type: "done" } & ThreadResult) | { type: "error"; message: string };
