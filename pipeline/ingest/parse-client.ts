// The ingest's side of the tail thread (parse-thread.ts): picks the offset, starts the
// thread, keeps what it sends until the ingest has read up to the offset itself, then hands
// it over in order (docs/threads.md).
import { open, stat } from "node:fs/promises";
import { Worker } from "node:worker_threads";
import { UsageError } from "../errors.js";
import { threadUrl } from "../thread-bundle.js";
import type { DateWindow } from "./dates.js";
import { CONSUMED, type FromTailThread, STOP, type TailThreadData } from "./parse-protocol.js";
import type { RecordBatch } from "./record-batch.js";
import { isGzip } from "./sources.js";

/** The thread takes at most this much of a file: what it parses waits in memory (~150 MB per 64 MiB of CSV) until the ingest gets there. */
const MAX_TAIL_BYTES = 64 << 20;
/** Below this, a second thread saves less than starting it costs (tens of milliseconds, more on a busy machine). */
const MIN_TAIL_BYTES = 6 << 20;
/** Sized to hold the largest tail even at 40 bytes a row (the usual export has ~56), 8,192 rows a batch. */
const MAX_IN_FLIGHT = Math.ceil(MAX_TAIL_BYTES / 40 / 8192);

/**
 * Where a thread should start in `file`: just after the first newline past the middle (or
 * MAX_TAIL_BYTES before the end); undefined when not worth it (or the file is compressed,
 * so it cannot be read from the middle). `force` drops the minimum. Giving the thread 60%
 * or 70% of the file was no faster.
 */
export async function tailOffset(file: string, force = false): Promise<number | undefined> {
  if (isGzip(file)) return undefined;
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    return undefined;
  }
  const tail = Math.min(Math.floor(size / 2), MAX_TAIL_BYTES);
  if (tail < (force ? 1 : MIN_TAIL_BYTES)) return undefined;
  const from = size - tail;
  const window = Buffer.alloc(64 << 10);
  const handle = await open(file, "r");
  try {
    const { bytesRead } = await handle.read(window, 0, window.length, from);
    const nl = window.subarray(0, bytesRead).indexOf(10);
    return nl >= 0 && from + nl + 1 < size ? from + nl + 1 : undefined;
  } finally {
    await handle.close();
  }
}

export class TailThread {
  private readonly flags = new Int32Array(new SharedArrayBuffer(8));
  private readonly worker: Worker;
  /** What the thread sent, in order, not yet consumed. */
  private readonly queue: FromTailThread[] = [];
  private wake: (() => void) | undefined;
  private ended = false;

  constructor(file: string, fileIndex: number, offset: number, window: DateWindow) {
    const data: TailThreadData = {
      file,
      fileIndex,
      offset,
      shared: this.flags.buffer as SharedArrayBuffer,
      maxInFlight: MAX_IN_FLIGHT,
      window,
    };
    this.worker = new Worker(threadUrl(new URL("./parse-thread.ts", import.meta.url)), { workerData: data });
    this.worker.on("message", (m: FromTailThread) => this.push(m));
    this.worker.on("error", (err) => this.push({ type: "error", message: err.message, usage: false }));
    this.worker.on("exit", (code) =>
      this.push({ type: "error", message: `exited early (code ${code})`, usage: false }),
    );
  }

  /** Hands every batch to `consume` in order, until the thread is done; throws what the thread failed with. */
  async drain(consume: (batch: RecordBatch) => void): Promise<void> {
    for (;;) {
      const m = this.queue.shift();
      if (!m) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      if (m.type === "done") return;
      if (m.type === "error")
        throw m.usage ? new UsageError(m.message) : new Error(`parse thread failed: ${m.message}`);
      consume(m.batch);
      Atomics.add(this.flags, CONSUMED, 1);
      Atomics.notify(this.flags, CONSUMED);
    }
  }

  stop(): void {
    Atomics.store(this.flags, STOP, 1);
    this.ended = true;
    this.queue.length = 0;
    void this.worker.terminate();
  }

  private push(m: FromTailThread): void {
    if (this.ended) return;
    // Only the first end counts (a worker that finished also exits).
    if (m.type !== "batch") this.ended = true;
    this.queue.push(m);
    this.wake?.();
    this.wake = undefined;
  }
}
