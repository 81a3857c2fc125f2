// The stateless half of the ingest: each CSV record checked on its own (field count,
// empty fields, the date, the id rule) and packed into batches in file order. What needs
// the whole log (events seen so far, dictionaries, duplicates, bots) stays with the
// caller, so this half can run on another thread (parse-thread.ts) without changing a
// single decision or the order of rejected rows.

import { isValidId } from "../../worker/contract.js";
import { UsageError } from "../errors.js";
import { type DateWindow, parseEventDate } from "./dates.js";
import { type ColumnMap, mapHeader } from "./header.js";
import { readCsv } from "./read-csv.js";
import type { RejectReason } from "./reasons.js";

export const BATCH_RECORDS = 8192;

/** Whether a record can be kept so far; below EARLY the caller still checks the event first. */
export const STATUS = {
  ok: 0,
  invalidDate: 1,
  invalidId: 2,
  implausibleDate: 3,
  malformed: 4,
  missingCustomer: 5,
  missingProduct: 6,
  missingEvent: 7,
} as const;

/** Statuses from here on are decided before the event is looked at. */
export const EARLY = STATUS.malformed;

export const STATUS_REASON: readonly (RejectReason | undefined)[] = [
  undefined,
  "invalid_date",
  "invalid_id",
  "implausible_date",
  "malformed_row",
  "missing_customer_id",
  "missing_product_id",
  "missing_event",
];

/**
 * The status of a row whose customer, product and event are present: the date, then the
 * ids, then the plausible window, in the contract's order of reasons.
 */
export function fieldStatus(
  time: number,
  cid: string,
  pid: string,
  minTime: number,
  maxTime: number,
): number {
  if (Number.isNaN(time)) return STATUS.invalidDate;
  if (!isValidId(cid) || !isValidId(pid)) return STATUS.invalidId;
  return time < minTime || time > maxTime ? STATUS.implausibleDate : STATUS.ok;
}

export interface RecordBatch {
  /** Index of the input file. */
  file: number;
  count: number;
  /** Byte range [start, end) of each record in its (decompressed) file; end is Infinity for an unclosed quote at the end. */
  start: Float64Array;
  end: Float64Array;
  status: Uint8Array;
  /** Epoch milliseconds of each record with status ok. */
  time: Float64Array;
  /**
   * Four strings per record with a status below EARLY, in record order: customer id and
   * product id (trimmed), event (trimmed, lower case), product name (trimmed, "" without
   * the column).
   */
  text: string[];
}

export function emptyBatch(file: number): RecordBatch {
  return {
    file,
    count: 0,
    start: new Float64Array(BATCH_RECORDS),
    end: new Float64Array(BATCH_RECORDS),
    status: new Uint8Array(BATCH_RECORDS),
    time: new Float64Array(BATCH_RECORDS),
    text: [],
  };
}

/** A file's header row and record delimiter, for reading the file from the middle. */
export interface FileHead {
  header: string[];
  recordDelimiter: string[];
}

export interface Segment {
  /** Dates outside it are implausible; without it every parseable date is kept. */
  window?: DateWindow;
  /** Read from this byte offset (where a record starts) with the file's head, instead of from the top. */
  from?: { offset: number; head: FileHead };
  /**
   * Stop after the first record that ends at or past this byte offset. Where the segment's
   * reading ended then says whether the offset is a record boundary (docs/threads.md).
   */
  until?: number;
}

/**
 * A reader of files' header rows and record delimiters, each file read once, for parsing a
 * file from the middle. A file without a readable header fails at its first segment, which
 * the ingest reaches before any later one; a header that no longer reads means the file
 * changed underneath, an error rather than the input's fault.
 */
export function headReader(): (file: string) => Promise<FileHead> {
  const heads = new Map<string, FileHead>();
  return async (file) => {
    let head = heads.get(file);
    if (!head) {
      let header: string[] | undefined;
      const { recordDelimiter } = await readCsv(file, {
        record(fields) {
          header = fields;
          return true;
        },
        unreadable() {},
      });
      if (!header) throw new Error(`${file}: the header row could not be read again`);
      head = { header, recordDelimiter };
      heads.set(file, head);
    }
    return head;
  };
}

/**
 * Reads one file (or a segment of it) into batches of checked records, handing each full
 * batch (and the last) to `onBatch` synchronously. Throws a UsageError for a file without
 * a usable header. Resolves to the byte offset where the last record read ends (Infinity
 * after a quote left open to the end of the file; the start when there was no record).
 */
export async function readBatches(
  file: string,
  fileIndex: number,
  onBatch: (batch: RecordBatch) => void,
  segment: Segment = {},
): Promise<number> {
  const from = segment.from;
  let columns: ColumnMap | undefined = from && mapHeader(from.head.header, file);
  let width = from ? from.head.header.length : 0;
  const until = segment.until ?? Number.POSITIVE_INFINITY;
  let last = from ? from.offset : 0;
  const minTime = segment.window?.min ?? Number.NEGATIVE_INFINITY;
  const maxTime = segment.window?.max ?? Number.POSITIVE_INFINITY;
  let batch = emptyBatch(fileIndex);
  const add = (status: number, start: number, end: number): number => {
    const i = batch.count++;
    batch.start[i] = start;
    batch.end[i] = end;
    batch.status[i] = status;
    return i;
  };
  const flush = () => {
    if (batch.count === 0) return;
    const full = batch;
    batch = emptyBatch(fileIndex);
    onBatch(full);
  };
  await readCsv(
    file,
    {
      unreadable(start, end) {
        if (!columns) throw new UsageError(`${file}: no readable header row (a quote is never closed)`);
        last = end;
        add(STATUS.malformed, start, end);
        if (batch.count === BATCH_RECORDS) flush();
      },
      record(record, start, end) {
        last = end;
        if (!columns) {
          columns = mapHeader(record, file);
          width = record.length;
          return;
        }
        if (record.length !== width) {
          add(STATUS.malformed, start, end);
        } else {
          const cid = record[columns.customer].trim();
          const pid = record[columns.product].trim();
          const ev = record[columns.event].trim();
          if (!cid) add(STATUS.missingCustomer, start, end);
          else if (!pid) add(STATUS.missingProduct, start, end);
          else if (!ev) add(STATUS.missingEvent, start, end);
          else {
            // The event is checked by the caller before these two (it knows the events seen so far).
            const t = parseEventDate(record[columns.date]);
            batch.time[add(fieldStatus(t, cid, pid, minTime, maxTime), start, end)] = t;
            batch.text.push(cid, pid, ev.toLowerCase(), columns.name >= 0 ? record[columns.name].trim() : "");
          }
        }
        if (batch.count === BATCH_RECORDS) flush();
        return end >= until;
      },
    },
    from && { offset: from.offset, recordDelimiter: from.head.recordDelimiter },
  );
  if (!columns) throw new UsageError(`${file}: empty file, no header row`);
  flush();
  return last;
}
