// Where `audience generate` writes its rows: a CSV file, or a Parquet file shaped like a
// warehouse export (BigQuery EXPORT DATA, Snowflake COPY INTO, DuckDB COPY): typed
// columns, NULL for an empty field, row groups of GROUP_ROWS rows written as they fill.
import { mkdir, stat, unlink } from "node:fs/promises";
import { dirname } from "node:path";
import type { SchemaElement } from "hyparquet";
import { fileWriter, ParquetWriter } from "hyparquet-writer";
import { UsageError } from "../errors.js";
import { parseEventDate } from "../ingest/dates.js";
import { cannotWrite, type OutputFile } from "./output.js";

export type OutputFormat = "csv" | "parquet";

export interface RowSink {
  /** Writes one row of text fields; false when this format cannot hold it (a malformed CSV line). */
  row(fields: string[]): boolean;
  /** Lets buffered rows reach the file (call every few thousand rows). */
  flush(): Promise<void>;
  end(): Promise<void>;
  /** After a failure: stops and removes the partly written file. */
  abandon(): Promise<void>;
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvSink(out: OutputFile, header: string[]): RowSink {
  const write = (text: string) => out.write(text);
  let chunk = `${header.join(",")}\n`;
  return {
    row(fields) {
      chunk += `${fields.map(csvField).join(",")}\n`;
      return true;
    },
    async flush() {
      if (chunk.length < 1 << 16) return;
      await write(chunk);
      chunk = "";
    },
    async end() {
      await write(chunk);
      await out.close();
    },
    abandon: () => out.abandon(),
  };
}

/** Rows per row group: readers hold one group at a time, so this bounds their memory too. */
export const GROUP_ROWS = 100_000;

const optional = "OPTIONAL" as const;

/**
 * `typed`: ids as INT64 and the date as a UTC TIMESTAMP (millis), as a warehouse table
 * holds a clean log. Untyped (a dirty log, whose ids and dates need not parse): every
 * column a string, as a raw staging table holds it.
 */
export async function parquetSink(path: string, header: string[], typed: boolean): Promise<RowSink> {
  if ((await stat(path).catch(() => undefined))?.isDirectory())
    throw new UsageError(`--out ${path} is a folder: give a file name`);
  try {
    await mkdir(dirname(path), { recursive: true });
  } catch (err) {
    throw cannotWrite(path, err);
  }
  const id = (name: string): SchemaElement =>
    typed ? { name, type: "INT64", repetition_type: optional } : text(name);
  const text = (name: string): SchemaElement => ({
    name,
    type: "BYTE_ARRAY",
    converted_type: "UTF8",
    logical_type: { type: "STRING" },
    repetition_type: optional,
  });
  const date = (name: string): SchemaElement =>
    typed
      ? {
          name,
          type: "INT64",
          converted_type: "TIMESTAMP_MILLIS",
          logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MILLIS" },
          repetition_type: optional,
        }
      : text(name);
  // The header's last five names are the log's columns; a sixth in front is the index.
  const offset = header.length - 5;
  const names = header.map((h, i) => (i < offset ? h || "index" : h));
  const kinds = names.map((_, i) =>
    i < offset ? "index" : ["id", "id", "text", "date", "text"][i - offset],
  );
  const schema: SchemaElement[] = [
    { name: "root", num_children: names.length },
    ...names.map((n, i) =>
      kinds[i] === "index"
        ? ({ name: n, type: "INT64", repetition_type: "REQUIRED" } as SchemaElement)
        : kinds[i] === "id"
          ? id(n)
          : kinds[i] === "date"
            ? date(n)
            : text(n),
    ),
  ];
  let writer: ParquetWriter;
  try {
    writer = new ParquetWriter({ writer: fileWriter(path), schema });
  } catch (err) {
    throw cannotWrite(path, err);
  }
  let columns: unknown[][] = names.map(() => []);
  const value = (kind: string, field: string): unknown => {
    if (field === "") return null;
    if (kind === "index") return BigInt(field);
    if (!typed || kind === "text") return field;
    return kind === "id" ? BigInt(field) : BigInt(parseEventDate(field));
  };
  // hyparquet-writer appends to the file synchronously; a write error is reported like the CSV's.
  const writeGroup = () => {
    if (columns[0].length === 0) return;
    try {
      writer.write({
        columnData: names.map((name, i) => ({ name, data: columns[i] })),
        rowGroupSize: columns[0].length,
      });
    } catch (err) {
      throw cannotWrite(path, err);
    }
    columns = names.map(() => []);
  };
  return {
    row(fields) {
      if (fields.length !== names.length) return false;
      for (let i = 0; i < fields.length; i++) columns[i].push(value(kinds[i], fields[i]));
      if (columns[0].length === GROUP_ROWS) writeGroup();
      return true;
    },
    async flush() {},
    async end() {
      writeGroup();
      try {
        writer.finish();
      } catch (err) {
        throw cannotWrite(path, err);
      }
    },
    async abandon() {
      await unlink(path).catch(() => undefined);
    },
  };
}
