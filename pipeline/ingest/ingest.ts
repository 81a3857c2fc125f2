// Streaming ingest: CSV files (or .csv.gz, or folders) → compact columns of kept rows,
// with every row read accounted for as kept or rejected for exactly one reason.
import { stat } from "node:fs/promises";
import type { Config } from "../config.js";
import { UsageError } from "../errors.js";
import { findBotCustomers } from "./bots.js";
import { Dictionary } from "./columns.js";
import { plausibleWindow } from "./dates.js";
import { DuplicateIndex } from "./dedupe.js";
import { RowNames } from "./latest-names.js";
import { isParquet, parquetRowCount } from "./parquet-file.js";
import { MIN_THREAD_BYTES, ParseThread } from "./parse-client.js";
import { readParquetBatches } from "./read-parquet.js";
import {
  type Accounting,
  assertBalanced,
  countRejected,
  emptyAccounting,
  type RejectReason,
} from "./reasons.js";
import { EARLY, headReader, type RecordBatch, readBatches, STATUS, STATUS_REASON } from "./record-batch.js";
import { RejectLog, writeRejectedCsv } from "./rejected.js";
import { RowStore } from "./rows.js";
import { planSegments, type Segment } from "./segments.js";
import { isGzip, resolveInputs } from "./sources.js";

/** The kept rows, column by column, and the dictionaries that give indices meaning. */
export interface Interactions {
  files: string[];
  customers: string[];
  products: string[];
  /** The model's names: each product's first non-empty name. */
  productNames: string[];
  /** The served names: each product's name on its latest named interaction, or null. */
  latestNames: (string | null)[];
  events: string[];
  eventWeights: Float64Array;
  count: number;
  customer: Int32Array;
  product: Int32Array;
  event: Uint8Array;
  /** Epoch milliseconds, UTC. */
  time: Float64Array;
  accounting: Accounting;
  /**
   * True when the ingest saw only ids that are canonical integers of at most 15 digits (its
   * dictionaries tell as they intern), so the build's id type is "number" without a scan of
   * every id (5 s at 25M ids). Absent or false: the build scans.
   */
  integerIds?: boolean;
}

export interface IngestOptions {
  config: Config;
  /** Where rejected rows go; omitted means count them only. */
  rejectedPath?: string;
  /** The clock the plausible-date window is relative to (default: now). */
  now?: Date;
  /** Called every few thousand rows with the running total. */
  onProgress?: (rowsRead: number) => void;
  /** Parse on a second thread too: true even for a small input, false never (default: when it is large enough to pay off). */
  parseThread?: boolean;
  /** Bytes of CSV per segment (segments.ts; tests cut small files into many). */
  segmentBytes?: number;
  /** Told, at the end, how the segments were shared out. */
  onParseThread?: (report: ParseReport) => void;
}

export interface ParseReport {
  /** Segments parsed on the parse thread and used. */
  thread: number;
  /** Segments parsed here (ahead or in turn). */
  ingest: number;
  /** Whether a segment turned out not to start at a record boundary (this thread then read that file's rest itself). */
  misaligned: boolean;
}

const PROGRESS_EVERY = 50_000;

export async function ingest(inputs: string[], options: IngestOptions): Promise<Interactions> {
  const { config } = options;
  const files = await resolveInputs(inputs);
  if (files.length > 0xffff) throw new UsageError(`too many input files (${files.length}); at most 65,535`);
  const accounting = emptyAccounting();
  const window = plausibleWindow(config, options.now ?? new Date());
  const log = new RejectLog();
  const reject = (file: number, start: number, end: number, reason: RejectReason) => {
    countRejected(accounting, reason);
    log.add(file, start, end, reason);
  };

  const rowNames = new RowNames();
  const events = Object.keys(config.eventWeights);
  const weights = events.map((e) => config.eventWeights[e]);
  const eventIndex = new Map(events.map((e, i) => [e.trim().toLowerCase(), i]));

  // Sized from the input up front: growing these tables rehashes and copies everything
  // already read, which cost ~10% of the ingest.
  const expected = await estimateRows(files);
  // Generated and real logs alike have fewer customers than rows and fewer products than
  // customers: a table sized for half the rows grows once at most.
  const customers = new Dictionary(expected / 2);
  const products = new Dictionary(expected / 4);
  const rows = new RowStore(Math.max(1 << 16, expected));
  const dupes = new DuplicateIndex(
    () => rows.customer,
    () => rows.product,
    () => rows.event,
    () => rows.time,
    2 ** Math.max(17, Math.ceil(Math.log2((4 * expected) / 3 + 1))),
  );

  const consume = (batch: RecordBatch) => {
    const f = batch.file;
    const { start, end, status, time, text } = batch;
    let k = 0;
    for (let i = 0; i < batch.count; i++) {
      if (++accounting.rows_read % PROGRESS_EVERY === 0) options.onProgress?.(accounting.rows_read);
      const s = status[i];
      if (s >= EARLY) {
        reject(f, start[i], end[i], STATUS_REASON[s]!);
        continue;
      }
      const cid = text[k];
      const pid = text[k + 1];
      const ev = text[k + 2];
      const name = text[k + 3];
      k += 4;
      let e = eventIndex.get(ev);
      if (e === undefined) {
        // Event indices are one byte; past 255 distinct events the rest are rejected.
        if (config.unknownEvents === "reject" || events.length >= 255) {
          reject(f, start[i], end[i], "unknown_event");
          continue;
        }
        e = events.length;
        events.push(ev);
        weights.push(config.unknownEventWeight);
        eventIndex.set(ev, e);
      }
      if (s !== STATUS.ok) {
        reject(f, start[i], end[i], STATUS_REASON[s]!);
        continue;
      }
      const c = customers.intern(cid);
      const p = products.intern(pid);
      const t = time[i];
      const row = rows.push(c, p, e, t, f, start[i], end[i] - start[i]);
      if (dupes.addOrFindDuplicate(row, c, p, e, t)) {
        rows.pop();
        reject(f, start[i], end[i], "duplicate");
        continue;
      }
      rowNames.set(row, p, name);
    }
  };
  await readSegments(files, options, window, consume);

  let count = rows.length;
  let customerIds = customers.ids;
  let productIds = products.ids;
  const productNames = rowNames.first(products.size);
  let names = productNames;
  // Right-sized copies, so the growth slack is freed.
  let cs = rows.customer.slice(0, count);
  let ps = rows.product.slice(0, count);
  let es = rows.event.slice(0, count);
  let ts = rows.time.slice(0, count);

  const bots = findBotCustomers(cs, ts, customers.size, config.botMaxPerDay);
  if (bots.size > 0) {
    const fs = rows.file;
    const starts = rows.start;
    const lengths = rows.bytes;
    let w = 0;
    for (let r = 0; r < count; r++) {
      if (bots.has(cs[r])) {
        accounting.rejected.bot++;
        log.add(fs[r], starts[r], starts[r] + lengths[r], "bot");
        continue;
      }
      cs[w] = cs[r];
      ps[w] = ps[r];
      es[w] = es[r];
      ts[w] = ts[r];
      rowNames.row[w] = rowNames.row[r];
      w++;
    }
    count = w;
    cs = cs.slice(0, w);
    ps = ps.slice(0, w);
    es = es.slice(0, w);
    ts = ts.slice(0, w);
    // Drop ids only bots used, so every dictionary entry has at least one kept row.
    customerIds = compactIds(cs, customers.ids);
    const productMap = compactMap(ps, products.ids.length);
    productIds = productMap.ids.map((p) => products.ids[p]);
    names = productMap.ids.map((p) => productNames[p]);
  }
  if (options.rejectedPath) await writeRejectedCsv(options.rejectedPath, files, log);

  accounting.rows_kept = count;
  options.onProgress?.(accounting.rows_read);
  assertBalanced(accounting);

  return {
    files,
    customers: customerIds,
    products: productIds,
    productNames: names,
    latestNames: rowNames.latest(ps, ts, count, productIds.length),
    events,
    eventWeights: Float64Array.from(weights),
    count,
    customer: cs,
    product: ps,
    event: es,
    time: ts,
    accounting,
    integerIds: customers.allIntegers && products.allIntegers,
  };
}

/**
 * Reads every input in order, its CSV in segments (segments.ts) that this thread and the
 * parse thread share out by claims: each side takes the next segment nobody has, and this
 * side hands every record to `consume` in file order whoever parsed it. While the thread's
 * next batch is not here yet, this side parses the next free segment ahead instead of
 * waiting. A segment's records are used only once the one before it ended exactly where
 * it starts; if not (a newline inside a quoted field), this side drops the thread and
 * reads the rest of that file itself (docs/threads.md).
 */
async function readSegments(
  files: string[],
  options: IngestOptions,
  window: ReturnType<typeof plausibleWindow>,
  consume: (batch: RecordBatch) => void,
): Promise<void> {
  const segments = await planSegments(files, options.segmentBytes);
  const shared = segments.filter((s) => s.shared);
  const sharedBytes = shared.reduce((sum, s) => sum + (s.to - s.from), 0);
  const wanted = options.parseThread ?? sharedBytes >= MIN_THREAD_BYTES;
  let thread = wanted && shared.length >= 2 ? new ParseThread(segments, window) : undefined;
  const report: ParseReport = { thread: 0, ingest: 0, misaligned: false };
  const headOf = headReader();
  const readHere = async (s: Segment, onBatch: (batch: RecordBatch) => void): Promise<number> => {
    report.ingest++;
    if (isParquet(s.file)) {
      await readParquetBatches(s.file, s.fileIndex, onBatch, window);
      return s.to;
    }
    const from = s.from > 0 ? { offset: s.from, head: await headOf(s.file) } : undefined;
    return readBatches(s.file, s.fileIndex, onBatch, { from, until: s.to, window });
  };
  /** One segment of this side's, parsed while the thread's turn is not ready. */
  let ahead: { segment: number; batches: RecordBatch[]; end: number } | undefined;
  try {
    for (let i = 0; i < segments.length; i++) {
      const s = segments[i];
      let end: number;
      if (ahead?.segment === i) {
        for (const batch of ahead.batches) consume(batch);
        end = ahead.end;
        ahead = undefined;
      } else if (!thread || !s.shared || thread.claim(i)) {
        end = await readHere(s, consume);
      } else {
        const t = thread;
        end = await t.drain(i, consume, async () => {
          if (ahead) return;
          for (let j = i + 1; j < segments.length && segments[j].shared; j++) {
            if (!t.claim(j)) continue;
            const batches: RecordBatch[] = [];
            ahead = { segment: j, batches, end: await readHere(segments[j], (b) => batches.push(b)) };
            return;
          }
        });
        report.thread++;
      }
      const next = segments[i + 1];
      if (next?.fileIndex !== s.fileIndex || end === s.to) continue;
      // s ended past where the next segment starts: that start is inside a record. Read on
      // from where s really ended, here, to the end of the file; nothing after it is shared.
      report.misaligned = true;
      thread?.stop();
      thread = undefined;
      ahead = undefined;
      if (end !== Number.POSITIVE_INFINITY) {
        const from = { offset: end, head: await headOf(s.file) };
        await readBatches(s.file, s.fileIndex, consume, { from, window });
      }
      while (segments[i + 1]?.fileIndex === s.fileIndex) i++;
    }
  } finally {
    thread?.stop();
  }
  options.onParseThread?.(report);
}

/** A generous guess of the row count: ~56 bytes a row, gzip shrinking CSV about 5x; a Parquet footer's own count. */
async function estimateRows(files: string[]): Promise<number> {
  let bytes = 0;
  for (const f of files) {
    if (isParquet(f)) {
      bytes += ((await parquetRowCount(f)) ?? 0) * 56;
      continue;
    }
    try {
      bytes += (await stat(f)).size * (isGzip(f) ? 5 : 1);
    } catch {
      // Unreadable files fail properly when read; the guess only sizes tables.
    }
  }
  return Math.min(2 ** 27, Math.ceil(bytes / 56));
}

/** Renumbers `column` in place to the dense range of values it uses. */
function compactMap(column: Int32Array, size: number): { ids: number[] } {
  const remap = new Int32Array(size).fill(-1);
  const ids: number[] = [];
  for (let r = 0; r < column.length; r++) {
    const old = column[r];
    if (remap[old] === -1) {
      remap[old] = ids.length;
      ids.push(old);
    }
    column[r] = remap[old];
  }
  return { ids };
}

function compactIds(column: Int32Array, ids: string[]): string[] {
  return compactMap(column, ids.length).ids.map((i) => ids[i]);
}
