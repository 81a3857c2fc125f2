// Messages between the ingest and its tail thread (parse-thread.ts, parse-client.ts).
import type { DateWindow } from "./dates.js";
import type { RecordBatch } from "./record-batch.js";

export interface TailThreadData {
  file: string;
  fileIndex: number;
  /** Byte offset just after a newline: where the thread starts reading. */
  offset: number;
  /** Int32 flags shared with the thread: [CONSUMED] batches the ingest has finished, [STOP] set to abandon. */
  shared: SharedArrayBuffer;
  maxInFlight: number;
  window: DateWindow;
}

export const CONSUMED = 0;
export const STOP = 1;

export type FromTailThread =
  | { type: "batch"; batch: RecordBatch }
  | { type: "done" }
  /** usage: the input's fault (a one-line message for the user), not a bug. */
  | { type: "error"; message: string; usage: boolean };
