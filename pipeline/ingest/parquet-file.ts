// One Parquet input file, read with hyparquet (pure JavaScript, so nothing native to
// install and the same code on every platform): its footer, the columns the ingest
// needs with the types it accepts, and its rows one row group at a time, so at most one
// group's decoded values are in memory however large the file is.
import {
  type AsyncBuffer,
  asyncBufferFromFile,
  type FileMetaData,
  parquetMetadataAsync,
  parquetRead,
  type SchemaElement,
} from "hyparquet";
import { compressors } from "hyparquet-compressors";
import { UsageError } from "../errors.js";
import { MS_PER_DAY } from "./dates.js";

export const PARQUET_FILE = /\.parquet$/i;

export function isParquet(file: string): boolean {
  return PARQUET_FILE.test(file);
}

/** How a column's values are read: text, an integer, or an instant. */
export type ValueKind = "text" | "integer" | "instant";

/** A cell as decoded: strings, numbers or bigints (integers), epoch ms (instants), null when missing. */
export type Cell = string | number | bigint | null | undefined;

// Instants become epoch milliseconds at decode time instead of Date objects: one number
// per row, and the same arithmetic as the CSV path. A timestamp without a zone
// (isAdjustedToUTC false) is read as UTC, as a CSV date without a zone is.
const PARSERS = {
  timestampFromMilliseconds: (v: bigint) => Number(v),
  timestampFromMicroseconds: (v: bigint) => Number(v / 1000n),
  timestampFromNanoseconds: (v: bigint) => Number(v / 1_000_000n),
  dateFromDays: (days: number) => days * MS_PER_DAY,
};

export interface ParquetInput {
  file: string;
  buffer: AsyncBuffer;
  metadata: FileMetaData;
  /** Top-level column names, in schema order. */
  columns: string[];
  /** Row groups as [first row, end row) of the file. */
  groups: [number, number][];
}

/** Opens `file` and reads its footer; a corrupt or truncated file is a UsageError naming it. */
export async function openParquet(file: string): Promise<ParquetInput> {
  let buffer: AsyncBuffer;
  let metadata: FileMetaData;
  try {
    buffer = await asyncBufferFromFile(file);
    metadata = await parquetMetadataAsync(buffer);
  } catch (err) {
    throw new UsageError(`${file}: not a readable Parquet file (${reason(err)})`);
  }
  const columns = topLevel(metadata.schema).map((e) => e.name);
  const groups: [number, number][] = [];
  let row = 0;
  for (const g of metadata.row_groups) {
    const n = Number(g.num_rows);
    groups.push([row, row + n]);
    row += n;
  }
  return { file, buffer, metadata, columns, groups };
}

/** The row count from the footer, or undefined when the file cannot be read (it fails properly later). */
export async function parquetRowCount(file: string): Promise<number | undefined> {
  try {
    return Number((await parquetMetadataAsync(await asyncBufferFromFile(file))).num_rows);
  } catch {
    return undefined;
  }
}

/** The schema's top-level elements (the root's children), skipping nested subtrees. */
function topLevel(schema: SchemaElement[]): SchemaElement[] {
  const out: SchemaElement[] = [];
  let i = 1;
  while (i < schema.length) {
    out.push(schema[i]);
    i += subtreeSize(schema, i);
  }
  return out;
}

function subtreeSize(schema: SchemaElement[], i: number): number {
  let size = 1;
  for (let c = 0; c < (schema[i].num_children ?? 0); c++) size += subtreeSize(schema, i + size);
  return size;
}

/** What the column holds, or a one-line description of a type the ingest cannot take. */
export function valueKind(input: ParquetInput, column: string): ValueKind | { unsupported: string } {
  const e = topLevel(input.metadata.schema).find((x) => x.name === column)!;
  const logical = e.logical_type?.type;
  const converted = e.converted_type;
  const described = [e.type ?? "group", logical ?? converted].filter(Boolean).join(" ");
  if (e.num_children || e.repetition_type === "REPEATED")
    return { unsupported: "a nested or repeated column" };
  if (
    logical === "TIMESTAMP" ||
    logical === "DATE" ||
    converted?.startsWith("TIMESTAMP_") ||
    converted === "DATE"
  )
    return "instant";
  if (e.type === "INT96") return "instant";
  if (
    e.type === "BYTE_ARRAY" &&
    (!logical || logical === "STRING" || logical === "ENUM") &&
    (!converted || converted === "UTF8" || converted === "ENUM")
  )
    return "text";
  if (
    (e.type === "INT32" || e.type === "INT64") &&
    (!logical || logical === "INTEGER") &&
    (!converted || /^U?INT_/.test(converted))
  )
    return "integer";
  return { unsupported: described };
}

/** The group's values of `columns` (each as long as the group), decoded. */
export async function readGroup(input: ParquetInput, group: number, columns: string[]): Promise<Cell[][]> {
  const [rowStart, rowEnd] = input.groups[group];
  const out = columns.map(() => new Array<Cell>(rowEnd - rowStart));
  const slot = new Map(columns.map((c, i) => [c, i]));
  try {
    await parquetRead({
      file: input.buffer,
      metadata: input.metadata,
      columns,
      rowStart,
      rowEnd,
      compressors,
      parsers: PARSERS,
      onChunk({ columnName, columnData, rowStart: from }) {
        const target = out[slot.get(columnName)!];
        // Chunks may reach outside the requested rows; only this group's are kept.
        for (let i = 0; i < columnData.length; i++) {
          const r = from + i - rowStart;
          if (r >= 0 && r < target.length) target[r] = columnData[i] as Cell;
        }
      },
    });
  } catch (err) {
    throw new UsageError(`${input.file}: cannot read row group ${group + 1}: ${reason(err)}`);
  }
  return out;
}

function reason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/^parquet /, "").split("\n")[0];
}
