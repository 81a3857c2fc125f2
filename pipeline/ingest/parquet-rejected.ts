// rejected.csv rows of a Parquet file: its `line` is the row number in the file (from 1,
// as a CSV line number counts from 1) and `raw` is the row's columns, all of them in
// schema order, written as one CSV line (a timestamp as ISO 8601, a NULL as nothing).
// Only the row groups holding a rejected row are read again.
import { type Cell, openParquet, readGroup, valueKind } from "./parquet-file.js";
import type { RejectLog } from "./rejected.js";

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function render(cell: Cell | object, instant: boolean): string {
  if (cell === null || cell === undefined) return "";
  if (instant && typeof cell === "number") return new Date(cell).toISOString();
  if (typeof cell === "object")
    return JSON.stringify(cell, (_k, v) => (typeof v === "bigint" ? String(v) : v));
  return String(cell);
}

/** Yields each logged row of `file` (entries sorted by row) as rejected.csv wants it. */
export async function* extractParquetRows(
  file: string,
  log: RejectLog,
  entries: Int32Array,
): AsyncGenerator<{ entry: number; line: number; raw: string }> {
  const input = await openParquet(file);
  const instant = input.columns.map((c) => valueKind(input, c) === "instant");
  const rows = log.start.data;
  let k = 0;
  for (let g = 0; g < input.groups.length && k < entries.length; g++) {
    const [first, end] = input.groups[g];
    if (rows[entries[k]] >= end) continue;
    const values = await readGroup(input, g, input.columns);
    while (k < entries.length && rows[entries[k]] < end) {
      const r = rows[entries[k]] - first;
      const raw = values.map((column, c) => csvField(render(column[r], instant[c]))).join(",");
      yield { entry: entries[k], line: rows[entries[k]] + 1, raw };
      k++;
    }
  }
}
