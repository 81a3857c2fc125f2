// The ingest's side of the parse thread (parse-thread.ts): starts it over the input's
// segments, takes segments for this side by the same claims, and hands over the thread's
// records segment by segment, in order (docs/threads.md).
import { Worker } from "node:worker_threads";
import { UsageError } from "../errors.js";
import { threadUrl } from "../thread-bundle.js";
import type { DateWindow } from "./dates.js";
import { CLAIM, FLAG, type FromParseThread, type ParseThreadData } from "./parse-protocol.js";
import type { RecordBatch } from "./record-batch.js";
import type { Segment } from "./segments.js";

/**
 * Batches the thread may be ahead of the ingest (8,192 records each, ~1.5 MB parsed): about
 * 7 segments, more than the thread parses while the ingest parses one segment ahead (with 24
 * the thread was blocked a quarter of the time on a 5M-row log, and the ingest 25% slower).
 */
const MAX_IN_FLIGHT = 64;
/** Below this much shared CSV, a second thread saves less than starting it costs (tens of milliseconds, more on a busy machine). */
export const MIN_THREAD_BYTES = 6 << 20;

export class ParseThread {
  private readonly flags: Int32Array;
  private readonly worker: Worker;
  /** What the thread sent, in order, not yet consumed. */
  private readonly queue: FromParseThread[] = [];
  private wake: (() => void) | undefined;
  private ended = false;

  constructor(segments: Segment[], window: DateWindow) {
    this.flags = new Int32Array(new SharedArrayBuffer(4 * (FLAG.claims + segments.length)));
    const data: ParseThreadData = {
      segments,
      shared: this.flags.buffer as SharedArrayBuffer,
      maxInFlight: MAX_IN_FLIGHT,
      window,
    };
    this.worker = new Worker(threadUrl(new URL("./parse-thread.ts", import.meta.url)), { workerData: data });
    this.worker.on("message", (m: FromParseThread) => this.push(m));
    this.worker.on("error", (err) => this.push({ type: "error", message: err.message, usage: false }));
    this.worker.on("exit", (code) =>
      this.push({ type: "error", message: `exited early (code ${code})`, usage: false }),
    );
  }

  /** Takes segment i for the ingest; false when the thread has it. */
  claim(i: number): boolean {
    const was = Atomics.compareExchange(this.flags, FLAG.claims + i, CLAIM.free, CLAIM.ingest);
    return was === CLAIM.free || was === CLAIM.ingest;
  }

  /**
   * Hands the thread's batches of segment i (which it claimed) to `consume`, in order, and
   * resolves to where its last record ends; throws what the thread failed with. `idle` is
   * called once whenever the thread's next message is not here yet, before waiting for it.
   */
  async drain(i: number, consume: (batch: RecordBatch) => void, idle?: () => Promise<void>): Promise<number> {
    for (;;) {
      if (this.queue.length === 0 && idle) await idle();
      const m = this.queue.shift();
      if (!m) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      if (m.type === "segment") {
        if (m.segment !== i)
          throw new Error(`internal: parse thread sent segment ${m.segment}, expected ${i}`);
        return m.end;
      }
      if (m.type === "done") throw new Error(`internal: parse thread ended before segment ${i}`);
      if (m.type === "error")
        throw m.usage ? new UsageError(m.message) : new Error(`parse thread failed: ${m.message}`);
      consume(m.batch);
      Atomics.add(this.flags, FLAG.consumed, 1);
      Atomics.notify(this.flags, FLAG.consumed);
    }
  }

  stop(): void {
    Atomics.store(this.flags, FLAG.stop, 1);
    Atomics.notify(this.flags, FLAG.consumed);
    this.ended = true;
    this.queue.length = 0;
    void this.worker.terminate();
  }

  private push(m: FromParseThread): void {
    if (this.ended) return;
    // Only the first end counts (a worker that finished also exits).
    if (m.type === "done" || m.type === "error") this.ended = true;
    this.queue.push(m);
    this.wake?.();
    this.wake = undefined;
  }
}
