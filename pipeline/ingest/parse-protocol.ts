// Messages and shared flags between the ingest and its parse thread (parse-thread.ts,
// parse-client.ts).
import type { DateWindow } from "./dates.js";
import type { RecordBatch } from "./record-batch.js";
import type { Segment } from "./segments.js";

export interface ParseThreadData {
  segments: Segment[];
  /** Int32 flags shared with the thread: CONSUMED, STOP, then one claim per segment (CLAIMS + i). */
  shared: SharedArrayBuffer;
  maxInFlight: number;
  window: DateWindow;
}

/** Batches the ingest has finished (the thread stays at most maxInFlight ahead). */
export const CONSUMED = 0;
/** Set to abandon the thread. */
export const STOP = 1;
/** Segment i's claim is at CLAIMS + i: FREE until one side takes it, by compare-and-swap. */
export const CLAIMS = 2;
export const FREE = 0;
export const BY_THREAD = 1;
export const BY_INGEST = 2;

export type FromParseThread =
  | { type: "batch"; batch: RecordBatch }
  /** Segment `segment` is parsed: its last record ends at `end`. */
  | { type: "segment"; segment: number; end: number }
  | { type: "done" }
  /** usage: the input's fault (a one-line message for the user), not a bug. */
  | { type: "error"; message: string; usage: boolean };
