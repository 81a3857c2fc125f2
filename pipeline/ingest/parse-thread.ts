// The parse thread: takes segments of the input (segments.ts) in order, each one the ingest
// has not taken first, parses them and posts the checked records (record-batch.ts): csv-parse
// is about two thirds of the ingest's time, and this puts it on both cores. Whether a
// segment's start really is a record boundary (it is not when the newline before it sits
// inside a quoted field) only the parse of the segment before it can tell; the ingest checks
// that before it uses a single record. Why the result is exactly a single pass's:
// docs/threads.md.
import { parentPort, workerData } from "node:worker_threads";
import { UsageError } from "../errors.js";
import { CLAIM, FLAG, type FromParseThread, type ParseThreadData } from "./parse-protocol.js";
import { headReader, type RecordBatch, readBatches } from "./record-batch.js";

const port = parentPort!;
const { segments, shared, maxInFlight, window } = workerData as ParseThreadData;
const flags = new Int32Array(shared);
let posted = 0;

class Stopped extends Error {}

/** Blocks this thread (it has nothing else to do) while the ingest is maxInFlight batches behind. */
function waitForRoom(): void {
  for (;;) {
    if (Atomics.load(flags, FLAG.stop)) throw new Stopped();
    const consumed = Atomics.load(flags, FLAG.consumed);
    if (posted - consumed < maxInFlight) return;
    Atomics.wait(flags, FLAG.consumed, consumed, 100);
  }
}

function post(batch: RecordBatch): void {
  waitForRoom();
  posted++;
  const message: FromParseThread = { type: "batch", batch };
  port.postMessage(message, [
    batch.start.buffer,
    batch.end.buffer,
    batch.status.buffer,
    batch.time.buffer,
  ] as ArrayBuffer[]);
}

const headOf = headReader();

try {
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i];
    if (!s.shared) continue;
    // Claimed only when there is room to post, so while this side waits the ingest can take
    // the next segment itself.
    waitForRoom();
    if (Atomics.compareExchange(flags, FLAG.claims + i, CLAIM.free, CLAIM.thread) !== CLAIM.free) continue;
    const from = s.from > 0 ? { offset: s.from, head: await headOf(s.file) } : undefined;
    const end = await readBatches(s.file, s.fileIndex, post, { from, until: s.to, window });
    port.postMessage({ type: "segment", segment: i, end } satisfies FromParseThread);
  }
  port.postMessage({ type: "done" } satisfies FromParseThread);
} catch (err) {
  if (!(err instanceof Stopped)) {
    const message = err instanceof Error ? err.message : String(err);
    port.postMessage({ type: "error", message, usage: err instanceof UsageError } satisfies FromParseThread);
  }
}
