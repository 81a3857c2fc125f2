// rejected.csv: each rejected row as read, with its source, line number and reason.
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { dirname } from "node:path";
import { parse } from "csv-parse";
import { openInput } from "./sources.js";

export const REJECTED_HEADER = "source,line,reason,raw";

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export class RejectedWriter {
  private out: WriteStream | undefined;
  constructor(path: string | undefined) {
    if (path) {
      mkdirSync(dirname(path), { recursive: true });
      this.out = createWriteStream(path);
      this.out.write(REJECTED_HEADER + "\n");
    }
  }
  write(source: string, line: number, reason: string, raw: string): void {
    this.out?.write(`${csvField(source)},${line},${reason},${csvField(raw)}\n`);
  }
  close(): Promise<void> {
    const out = this.out;
    this.out = undefined;
    if (!out) return Promise.resolve();
    return new Promise((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}

/** Re-reads a file and yields the raw text of the records ending on the given lines. */
export async function* collectRowsByLine(
  file: string,
  lines: Set<number>,
): AsyncGenerator<{ line: number; raw: string }> {
  const parser = parse({
    bom: true,
    raw: true,
    info: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
  });
  for await (const item of openInput(file).pipe(parser) as AsyncIterable<{ info: { lines: number }; raw: string }>) {
    if (lines.has(item.info.lines)) yield { line: item.info.lines, raw: item.raw.replace(/\r?\n$/, "") };
  }
}
