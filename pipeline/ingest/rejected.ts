// rejected.csv: each rejected row as read, with its source, line number and reason.
//
// During the parse only the byte range of a rejected record is noted (a few typed
// arrays, not a string per row), because asking csv-parse for the raw text of every
// record costs more than the parse itself. Once the reasons are final (bots are only
// known after the stream), one plain read of each file copies those byte ranges out
// and counts newlines on the way, so the line number is where the record starts.
import { createWriteStream, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { Column } from "./columns.js";
import { isParquet } from "./parquet-file.js";
import { extractParquetRows } from "./parquet-rejected.js";
import { ALL_REASONS, type RejectReason } from "./reasons.js";
import { openInput } from "./sources.js";

export const REJECTED_HEADER = "source,line,reason,raw";

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const REASON_CODE = new Map(ALL_REASONS.map((r, i) => [r, i]));

/** Rejected records as (file, byte range, reason), in any order. */
export class RejectLog {
  readonly file = new Column(Uint16Array, 1024);
  readonly start = new Column(Float64Array, 1024);
  readonly end = new Column(Float64Array, 1024);
  readonly reason = new Column(Uint8Array, 1024);

  add(file: number, start: number, end: number, reason: RejectReason): void {
    this.file.push(file);
    this.start.push(start);
    this.end.push(end);
    this.reason.push(REASON_CODE.get(reason)!);
  }

  get length(): number {
    return this.file.length;
  }

  /** Entry indices ordered by file, then position in the file. */
  ordered(): Int32Array {
    const order = new Int32Array(this.length);
    for (let i = 0; i < order.length; i++) order[i] = i;
    const f = this.file.data;
    const s = this.start.data;
    order.sort((a, b) => f[a] - f[b] || s[a] - s[b]);
    return order;
  }
}

/** Writes rejected.csv: one line per logged record, in file order. */
export async function writeRejectedCsv(path: string, files: string[], log: RejectLog): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const out = createWriteStream(path);
  const write = (text: string) =>
    out.write(text) ? Promise.resolve() : new Promise<void>((resolve) => out.once("drain", () => resolve()));
  await write(`${REJECTED_HEADER}\n`);
  const order = log.ordered();
  let i = 0;
  while (i < order.length) {
    const f = log.file.data[order[i]];
    let j = i;
    while (j < order.length && log.file.data[order[j]] === f) j++;
    const entries = order.subarray(i, j);
    const rows = isParquet(files[f])
      ? extractParquetRows(files[f], log, entries)
      : extractRanges(files[f], log, entries);
    for await (const { entry, line, raw } of rows) {
      await write(`${csvField(files[f])},${line},${ALL_REASONS[log.reason.data[entry]]},${csvField(raw)}\n`);
    }
    i = j;
  }
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
}

/**
 * Streams `file` once and yields the text of each logged byte range (entries sorted by
 * start), without the record's line break and any blank lines before it.
 */
async function* extractRanges(
  file: string,
  log: RejectLog,
  entries: Int32Array,
): AsyncGenerator<{ entry: number; line: number; raw: string }> {
  const starts = log.start.data;
  const ends = log.end.data;
  let k = 0;
  let offset = 0; // file offset of chunk[0]
  let newlines = 0; // newlines before `offset`
  let parts: Buffer[] = [];
  let partsFrom = 0;
  for await (const chunk of openInput(file) as AsyncIterable<Buffer>) {
    const chunkEnd = offset + chunk.length;
    let counted = offset; // newlines are counted up to here
    while (k < entries.length) {
      const e = entries[k];
      const from = starts[e];
      if (from >= chunkEnd) break;
      if (parts.length === 0) {
        newlines += countNewlines(chunk, counted - offset, from - offset);
        counted = from;
        partsFrom = newlines;
      }
      const to = Math.min(ends[e], chunkEnd);
      parts.push(chunk.subarray(Math.max(from, offset) - offset, to - offset));
      if (ends[e] > chunkEnd) break; // continues in the next chunk
      const piece = finish(Buffer.concat(parts), partsFrom);
      parts = [];
      yield { entry: e, line: piece.line, raw: piece.raw };
      k++;
    }
    newlines += countNewlines(chunk, counted - offset, chunk.length);
    offset = chunkEnd;
  }
  if (parts.length > 0) {
    const piece = finish(Buffer.concat(parts), partsFrom);
    yield { entry: entries[k], line: piece.line, raw: piece.raw };
  }
}

function countNewlines(buf: Buffer, from: number, to: number): number {
  let n = 0;
  let i = buf.indexOf(10, from);
  while (i !== -1 && i < to) {
    n++;
    i = buf.indexOf(10, i + 1);
  }
  return n;
}

/** Drops blank lines before the record (and counts them) and the trailing line break. */
function finish(bytes: Buffer, newlinesBefore: number): { line: number; raw: string } {
  let text = bytes.toString("utf8");
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let skipped = 0;
  let i = 0;
  while (i < text.length && (text[i] === "\n" || text[i] === "\r")) {
    if (text[i] === "\n") skipped++;
    i++;
  }
  return { line: newlinesBefore + skipped + 1, raw: text.slice(i).replace(/\r?\n$/, "") };
}
