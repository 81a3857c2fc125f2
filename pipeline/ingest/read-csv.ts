// One pass of csv-parse over one input file (or its tail from a byte offset), handing each
// record to the caller with the byte range it came from (so a rejected row can later be
// copied out exactly as read).
import { type CsvError, parse } from "csv-parse";
import { UsageError } from "../errors.js";
import { openInput } from "./sources.js";

export interface RecordSink {
  /** A parsed record and its byte range [start, end) in the (decompressed) file; true stops the reading after it. */
  record(fields: string[], start: number, end: number): boolean | undefined;
  /** A record csv-parse could not finish (an unclosed quote at the end of the file). */
  unreadable(start: number, end: number): void;
}

export interface ReadFrom {
  /** Byte offset where a record starts (a plain file only). */
  offset: number;
  /** The record delimiter of the file, as found before the offset (csv-parse guesses it from the first line otherwise). */
  recordDelimiter: string[];
}

export interface ReadResult {
  /** Whether the sink stopped the reading. */
  stopped: boolean;
  /** The record delimiter csv-parse settled on. */
  recordDelimiter: string[];
}

export async function readCsv(file: string, sink: RecordSink, from?: ReadFrom): Promise<ReadResult> {
  const base = from?.offset ?? 0;
  let lastEnd = base;
  let seen = 0;
  let stopped = false;
  const parser = parse({
    // A byte-order mark only counts at the start of a file.
    bom: !from,
    record_delimiter: from?.recordDelimiter,
    // Lenient on purpose: a stray quote is kept as text and a wrong field count still
    // yields a record, so the caller decides (malformed_row) instead of the parser
    // failing the whole file. The only error left is a quote still open at the end.
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_skip: (_err: CsvError | undefined) => {
      sink.unreadable(lastEnd, Number.POSITIVE_INFINITY);
    },
  });
  const input = openInput(file, base);
  await new Promise<void>((resolve, reject) => {
    let failed = false;
    const fail = (err: Error, passThrough = false) => {
      if (failed) return;
      failed = true;
      input.unpipe(parser);
      input.destroy();
      parser.destroy();
      if (passThrough || err instanceof UsageError) return reject(err);
      const code = (err as { code?: string }).code;
      // zlib says Z_BUF_ERROR when the compressed stream stops before its end (a cut-off
      // download or copy), Z_DATA_ERROR when the bytes are not gzip at all.
      const detail =
        code === "Z_BUF_ERROR"
          ? "the gzip file is truncated (it ends before its compressed data does)"
          : code === "Z_DATA_ERROR"
            ? "not a valid gzip file"
            : err.message;
      reject(new UsageError(`${file}: cannot read: ${detail}`));
    };
    input.on("error", fail);
    parser.on("error", fail);
    // `data` fires synchronously inside the parser's push, so parser.info.bytes is the
    // end of this very record; `seen` checks that assumption instead of trusting it.
    parser.on("data", (fields: string[]) => {
      if (failed) return;
      seen++;
      if (parser.info.records !== seen) {
        fail(new Error(`internal: csv-parse record offsets out of step at record ${seen}`), true);
        return;
      }
      const end = base + parser.info.bytes;
      const start = lastEnd;
      lastEnd = end;
      try {
        if (sink.record(fields, start, end) === true) {
          stopped = failed = true;
          input.unpipe(parser);
          input.destroy();
          parser.destroy();
          resolve();
        }
      } catch (err) {
        fail(err as Error, true);
      }
    });
    parser.on("end", () => resolve());
    input.pipe(parser);
  });
  return {
    stopped,
    recordDelimiter: (parser.options.record_delimiter as unknown as Buffer[]).map((d) => d.toString()),
  };
}
