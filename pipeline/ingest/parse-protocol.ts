// Messages and shared flags between the ingest and its parse thread (parse-thread.ts,
// parse-client.ts).
import type { DateWindow } from "./dates.js";
import type { RecordBatch } from "./record-batch.js";
import type { Segment } from "./segments.js";

export interface ParseThreadData {
  segments: Segment[];
  /** Int32 flags shared with the thread: FLAG (consumed, stop, then one claim per segment). */
  shared: SharedArrayBuffer;
  maxInFlight: number;
  window: DateWindow;
}

/** Indices into the shared flags. */
export const FLAG = {
  /** Batches the ingest has finished (the thread stays at most maxInFlight ahead). */
  consumed: 0,
  /** Set to abandon the thread. */
  stop: 1,
  /** Segment i's claim is at claims + i, one of CLAIM. */
  claims: 2,
} as const;

/** A segment's claim: free until one side takes it, by compare-and-swap. */
export const CLAIM = { free: 0, thread: 1, ingest: 2 } as const;

export type FromParseThread =
  | { type: "batch"; batch: RecordBatch }
  /** Segment `segment` is parsed: its last record ends at `end`. */
  | { type: "segment"; segment: number; end: number }
  | { type: "done" }
  /** usage: the input's fault (a one-line message for the user), not a bug. */
  | { type: "error"; message: string; usage: boolean };
