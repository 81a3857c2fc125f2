// Streaming ingest: CSV files (or .csv.gz, or folders) → compact columns of kept rows,
// with every row read accounted for as kept or rejected for exactly one reason.
import { parse, type CsvError } from "csv-parse";
import type { Config } from "../config.js";
import { UsageError } from "../errors.js";
import { isValidId } from "../../worker/contract.js";
import { Column, Dictionary } from "./columns.js";
import { parseEventDate } from "./dates.js";
import { DuplicateIndex } from "./dedupe.js";
import { findBotCustomers } from "./bots.js";
import { mapHeader, type ColumnMap } from "./header.js";
import { assertBalanced, emptyAccounting, type Accounting, type RejectReason } from "./reasons.js";
import { RejectedWriter, collectRowsByLine } from "./rejected.js";
import { openInput, resolveInputs } from "./sources.js";

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
  const accounting = emptyAccounting();
  const rejected = new RejectedWriter(options.rejectedPath);

  const customers = new Dictionary();
  const products = new Dictionary();
  const productNames: string[] = [];
  const events = Object.keys(config.eventWeights);
  const weights = events.map((e) => config.eventWeights[e]);
  const eventIndex = new Map(events.map((e, i) => [e.trim().toLowerCase(), i]));

  const customer = new Column(Int32Array);
  const product = new Column(Int32Array);
  const event = new Column(Uint8Array);
  const time = new Column(Float64Array);
  // Where each kept row came from, so rows rejected after the stream (bots) can be
  // written out as read.
  const fileOf = new Column(Uint16Array);
  const lineOf = new Column(Float64Array);
  const dupes = new DuplicateIndex(
    () => customer.data,
    () => product.data,
    () => event.data,
    () => time.data,
  );

  const reject = (file: string, line: number, reason: RejectReason, raw: string) => {
    accounting.rejected[reason]++;
    rejected.write(file, line, reason, raw);
  };

  for (let f = 0; f < files.length; f++) {
    const file = files[f];
    let columns: ColumnMap | undefined;
    let width = 0;
    const parser = parse({
      bom: true,
      raw: true,
      info: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (err: CsvError | undefined, raw: string | undefined) => {
        if (!columns) return;
        accounting.rows_read++;
        const line = Number((err as { lines?: number } | undefined)?.lines ?? 0);
        reject(file, line, "malformed_row", trimNewline(raw ?? ""));
      },
    });
    const input = openInput(file);
    input.on("error", (err) => parser.destroy(err));
    try {
      for await (const item of input.pipe(parser) as AsyncIterable<{
        record: string[];
        info: { lines: number };
        raw: string;
      }>) {
        const { record, info } = item;
        if (!columns) {
          columns = mapHeader(record, file);
          width = record.length;
          continue;
        }
        accounting.rows_read++;
        if (accounting.rows_read % PROGRESS_EVERY === 0) options.onProgress?.(accounting.rows_read);
        const line = info.lines;
        if (record.length !== width) {
          reject(file, line, "malformed_row", trimNewline(item.raw));
          continue;
        }
        const cid = record[columns.customer].trim();
        if (!cid) {
          reject(file, line, "missing_customer_id", trimNewline(item.raw));
          continue;
        }
        const pid = record[columns.product].trim();
        if (!pid) {
          reject(file, line, "missing_product_id", trimNewline(item.raw));
          continue;
        }
        const ev = record[columns.event].trim().toLowerCase();
        if (!ev) {
          reject(file, line, "missing_event", trimNewline(item.raw));
          continue;
        }
        let e = eventIndex.get(ev);
        if (e === undefined) {
          if (config.unknownEvents === "reject" || events.length >= 255) {
            reject(file, line, "unknown_event", trimNewline(item.raw));
            continue;
          }
          e = events.length;
          events.push(ev);
          weights.push(config.unknownEventWeight);
          eventIndex.set(ev, e);
        }
        const t = parseEventDate(record[columns.date]);
        if (Number.isNaN(t)) {
          reject(file, line, "invalid_date", trimNewline(item.raw));
          continue;
        }
        if (!isValidId(cid) || !isValidId(pid)) {
          reject(file, line, "invalid_id", trimNewline(item.raw));
          continue;
        }
        const c = customers.intern(cid);
        const p = products.intern(pid);
        if (p === productNames.length) productNames.push("");
        if (columns.name >= 0 && !productNames[p]) productNames[p] = record[columns.name].trim();
        const row = customer.length;
        customer.push(c);
        product.push(p);
        event.push(e);
        time.push(t);
        if (dupes.addOrFindDuplicate(row, c, p, e, t)) {
          customer.length = product.length = event.length = time.length = row;
          reject(file, line, "duplicate", trimNewline(item.raw));
          continue;
        }
        fileOf.push(f);
        lineOf.push(line);
      }
    } catch (err) {
      await rejected.close();
      throw err;
    }
    if (!columns) {
      await rejected.close();
      throw new UsageError(`${file}: empty file, no header row`);
    }
  }

  let count = customer.length;
  let customerIds = customers.ids;
  let productIds = products.ids;
  let names = productNames;
  let cs = customer.finish();
  let ps = product.finish();
  let es = event.finish();
  let ts = time.finish();

  const bots = findBotCustomers(cs, ts, customers.size, config.botMaxPerDay);
  if (bots.size > 0) {
    const files_ = fileOf.finish();
    const lines = lineOf.finish();
    const wanted = new Map<number, Set<number>>();
    let w = 0;
    for (let r = 0; r < count; r++) {
      if (bots.has(cs[r])) {
        let set = wanted.get(files_[r]);
        if (!set) wanted.set(files_[r], (set = new Set()));
        set.add(lines[r]);
        accounting.rejected.bot++;
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
    for (const [fi, lineSet] of wanted) {
      for await (const { line, raw } of collectRowsByLine(files[fi], lineSet)) {
        rejected.write(files[fi], line, "bot", raw);
      }
    }
  }
  await rejected.close();

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

function trimNewline(raw: string): string {
  return raw.replace(/\r?\n$/, "");
}
