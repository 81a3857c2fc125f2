// The tail thread: parses the last part of the input (from a byte offset just after a
// newline to the end of the file) while the ingest parses the part before it, and posts
// the checked records (record-batch.ts) in order: csv-parse is about two thirds of the
// ingest's time, and this puts it on both cores. Whether the offset really is a record
// boundary (it is not when the newline sits inside a quoted field) only the ingest can
// tell, by reaching it; when it is not, the ingest drops everything sent here. Why the
// result is exactly a single pass's: docs/threads.md.
import { parentPort, workerData } from "node:worker_threads";
import { UsageError } from "../errors.js";
import { CONSUMED, type FromTailThread, STOP, type TailThreadData } from "./parse-protocol.js";
import { type RecordBatch, readBatches, readHead } from "./record-batch.js";

const port = parentPort!;
const { file, fileIndex, offset, shared, maxInFlight, window } = workerData as TailThreadData;
const flags = new Int32Array(shared);
let posted = 0;

class Stopped extends Error {}

function post(batch: RecordBatch): void {
  // Blocks this thread (it has nothing else to do) while the ingest is maxInFlight batches
  // behind: a bound on memory, not a pace (it is sized to hold the whole tail).
  for (;;) {
    if (Atomics.load(flags, STOP)) throw new Stopped();
    const consumed = Atomics.load(flags, CONSUMED);
    if (posted - consumed < maxInFlight) break;
    Atomics.wait(flags, CONSUMED, consumed, 100);
  }
  posted++;
  const message: FromTailThread = { type: "batch", batch };
  port.postMessage(message, [
    batch.start.buffer,
    batch.end.buffer,
    batch.status.buffer,
    batch.time.buffer,
  ] as ArrayBuffer[]);
}

try {
  const head = await readHead(file);
  // The ingest reads the same header first and fails on it before it gets here; a header
  // that reads differently now means the file changed underneath.
  if (!head) throw new Error(`${file}: the header row could not be read again`);
  await readBatches(file, fileIndex, post, { from: { offset, head }, window });
  port.postMessage({ type: "done" } satisfies FromTailThread);
} catch (err) {
  if (!(err instanceof Stopped)) {
    const message = err instanceof Error ? err.message : String(err);
    port.postMessage({ type: "error", message, usage: err instanceof UsageError } satisfies FromTailThread);
  }
}
