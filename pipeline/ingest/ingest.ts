// Streaming ingest: CSV files (or .csv.gz, or folders) → compact columns of kept rows,
// with every row read accounted for as kept or rejected for exactly one reason.
import { stat } from "node:fs/promises";
import type { Config } from "../config.js";
import { UsageError } from "../errors.js";
import { isValidId } from "../../worker/contract.js";
import { Dictionary } from "./columns.js";
import { RowStore } from "./rows.js";
import { parseEventDate } from "./dates.js";
import { DuplicateIndex } from "./dedupe.js";
import { findBotCustomers } from "./bots.js";
import { mapHeader, type ColumnMap } from "./header.js";
import { assertBalanced, emptyAccounting, type Accounting, type RejectReason } from "./reasons.js";
import { readCsv } from "./read-csv.js";
import { RejectLog, writeRejectedCsv } from "./rejected.js";
import { resolveInputs } from "./sources.js";

/** The kept rows, column by column, and the dictionaries that give indices meaning. */
export interface Interactions {
  files: string[];
  customers: string[];
  products: string[];
  productNames: string[];
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
  /** Called every few thousand rows with the running total. */
  onProgress?: (rowsRead: number) => void;
}

const PROGRESS_EVERY = 50_000;

export async function ingest(inputs: string[], options: IngestOptions): Promise<Interactions> {
  const { config } = options;
  const files = await resolveInputs(inputs);
  if (files.length > 0xffff) throw new UsageError(`too many input files (${files.length}); at most 65,535`);
  const accounting = emptyAccounting();
  const log = new RejectLog();

  const customers = new Dictionary();
  const products = new Dictionary();
  const productNames: string[] = [];
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

  for (let f = 0; f < files.length; f++) {
    const file = files[f];
    let columns: ColumnMap | undefined;
    let width = 0;
    const reject = (start: number, end: number, reason: RejectReason) => {
      accounting.rejected[reason]++;
      log.add(f, start, end, reason);
    };
    await readCsv(file, {
      unreadable(start, end) {
        if (!columns) throw new UsageError(`${file}: no readable header row (a quote is never closed)`);
        accounting.rows_read++;
        reject(start, end, "malformed_row");
      },
      record(record, start, end) {
        if (!columns) {
          columns = mapHeader(record, file);
          width = record.length;
          return;
        }
        if (++accounting.rows_read % PROGRESS_EVERY === 0) options.onProgress?.(accounting.rows_read);
        if (record.length !== width) return reject(start, end, "malformed_row");
        const cid = record[columns.customer].trim();
        if (!cid) return reject(start, end, "missing_customer_id");
        const pid = record[columns.product].trim();
        if (!pid) return reject(start, end, "missing_product_id");
        const ev = record[columns.event].trim().toLowerCase();
        if (!ev) return reject(start, end, "missing_event");
        let e = eventIndex.get(ev);
        if (e === undefined) {
          // Event indices are one byte; past 255 distinct events the rest are rejected.
          if (config.unknownEvents === "reject" || events.length >= 255) return reject(start, end, "unknown_event");
          e = events.length;
          events.push(ev);
          weights.push(config.unknownEventWeight);
          eventIndex.set(ev, e);
        }
        const t = parseEventDate(record[columns.date]);
        if (Number.isNaN(t)) return reject(start, end, "invalid_date");
        if (!isValidId(cid) || !isValidId(pid)) return reject(start, end, "invalid_id");
        const c = customers.intern(cid);
        const p = products.intern(pid);
        const row = rows.push(c, p, e, t, f, start, end - start);
        if (dupes.addOrFindDuplicate(row, c, p, e, t)) {
          rows.pop();
          return reject(start, end, "duplicate");
        }
        if (p === productNames.length) productNames.push("");
        if (columns.name >= 0 && !productNames[p]) productNames[p] = record[columns.name].trim();
      },
    });
    if (!columns) throw new UsageError(`${file}: empty file, no header row`);
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

/** A generous guess of the row count: ~56 bytes a row, gzip shrinking CSV about 5x. */
async function estimateRows(files: string[]): Promise<number> {
  let bytes = 0;
  for (const f of files) {
    try {
      bytes += (await stat(f)).size * (/\.gz$/i.test(f) ? 5 : 1);
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

