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
import { TailThread, tailOffset } from "./parse-client.js";
import { readParquetBatches } from "./read-parquet.js";
import {
  type Accounting,
  assertBalanced,
  countRejected,
  emptyAccounting,
  type RejectReason,
} from "./reasons.js";
import { EARLY, type RecordBatch, readBatches, STATUS, STATUS_REASON } from "./record-batch.js";
import { RejectLog, writeRejectedCsv } from "./rejected.js";
import { RowStore } from "./rows.js";
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
}

export interface IngestOptions {
  config: Config;
  /** Where rejected rows go; omitted means count them only. */
  rejectedPath?: string;
  /** The clock the plausible-date window is relative to (default: now). */
  now?: Date;
  /** Called every few thousand rows with the running total. */
  onProgress?: (rowsRead: number) => void;
  /** Parse the last file's tail on a second thread: true even for a small file, false never (default: when it is large enough to pay off). */
  parseThread?: boolean;
  /** Told whether the thread's records were used (false: the offset was not a record boundary, so this thread read them itself). */
  onTailThread?: (used: boolean) => void;
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

  const customers = new Dictionary();
  const products = new Dictionary();
  const productNames: string[] = [];
  const rowNames = new RowNames();
  const events = Object.keys(config.eventWeights);
  const weights = events.map((e) => config.eventWeights[e]);
  const eventIndex = new Map(events.map((e, i) => [e.trim().toLowerCase(), i]));

  // Sized from the input up front: growing these tables rehashes and copies everything
  // already read, which cost ~10% of the ingest.
  const expected = await estimateRows(files);
  const rows = new RowStore(Math.max(1 << 16, expected));
  const dupes = new DuplicateIndex(
    () => rows.customer,
    () => rows.product,
    () => rows.event,
    () => rows.time,
    2 ** Math.max(17, Math.ceil(Math.log2(2 * expected + 1))),
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
      if (p === productNames.length) productNames.push("");
      if (!productNames[p]) productNames[p] = name;
    }
  };
  // The last file's tail is parsed on a second thread meanwhile (parse-thread.ts). If this
  // pass reaches the tail's offset at a record boundary, the thread's records follow on;
  // if not (the newline there was inside a quoted field), this pass reads on to the end.
  const last = files.length - 1;
  const offset =
    options.parseThread === false || isParquet(files[last])
      ? undefined
      : await tailOffset(files[last], options.parseThread === true);
  const tail = offset === undefined ? undefined : new TailThread(files[last], last, offset, window);
  try {
    for (let f = 0; f < files.length; f++) {
      if (f === last && tail) {
        const met = await readBatches(files[f], f, consume, { stopAt: offset, window });
        options.onTailThread?.(met);
        if (met) await tail.drain(consume);
      } else if (isParquet(files[f])) {
        await readParquetBatches(files[f], f, consume, window);
      } else {
        await readBatches(files[f], f, consume, { window });
      }
    }
  } finally {
    tail?.stop();
  }

  let count = rows.length;
  let customerIds = customers.ids;
  let productIds = products.ids;
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
  };
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
