// The Parquet counterpart of readBatches (record-batch.ts): each row checked on its own
// with the same rules and in the same order as a CSV record, packed into the same
// batches, so everything after this point cannot tell the formats apart. A NULL is an
// empty field (a NULL date is an invalid_date, as an empty CSV date is). A row has no
// byte range in a Parquet file; its range is [row, row + 1), row counted from 0, which
// is what rejected.csv turns back into a row number (parquet-rejected.ts).
import { UsageError } from "../errors.js";
import { type DateWindow, parseEventDate } from "./dates.js";
import { mapHeader } from "./header.js";
import {
  type Cell,
  openParquet,
  type ParquetInput,
  readGroup,
  type ValueKind,
  valueKind,
} from "./parquet-file.js";
import { BATCH_RECORDS, emptyBatch, fieldStatus, type RecordBatch, STATUS } from "./record-batch.js";

/** The columns the ingest reads from `input`, in a fixed order, with how each is decoded. */
export function parquetColumns(input: ParquetInput): { names: string[]; kinds: ValueKind[] } {
  const map = mapHeader(input.columns, input.file);
  const names = [map.customer, map.product, map.event, map.date, map.name]
    .filter((i) => i >= 0)
    .map((i) => input.columns[i]);
  const allowed: ValueKind[][] = [
    ["text", "integer"],
    ["text", "integer"],
    ["text"],
    ["text", "instant"],
    ["text"],
  ];
  const kinds = names.map((name, c) => {
    const kind = valueKind(input, name);
    if (typeof kind !== "string" || !allowed[c].includes(kind)) {
      const found = typeof kind === "string" ? `${kind} values` : kind.unsupported;
      const wanted = allowed[c].map((k) => (k === "instant" ? "a timestamp or date" : k)).join(" or ");
      throw new UsageError(`${input.file}: column ${name} has the wrong type (${found}); expected ${wanted}`);
    }
    return kind;
  });
  return { names, kinds };
}

function text(cell: Cell): string {
  if (cell === null || cell === undefined) return "";
  return typeof cell === "string" ? cell.trim() : String(cell);
}

/** Reads one Parquet file row group by row group into checked batches (see readBatches). */
export async function readParquetBatches(
  file: string,
  fileIndex: number,
  onBatch: (batch: RecordBatch) => void,
  window?: DateWindow,
): Promise<void> {
  const minTime = window?.min ?? Number.NEGATIVE_INFINITY;
  const maxTime = window?.max ?? Number.POSITIVE_INFINITY;
  const input = await openParquet(file);
  const { names, kinds } = parquetColumns(input);
  const hasName = names.length === 5;
  const dateIsText = kinds[3] === "text";
  let batch = emptyBatch(fileIndex);
  for (let g = 0; g < input.groups.length; g++) {
    const [first] = input.groups[g];
    const [customers, products, events, dates, productNames] = await readGroup(input, g, names);
    for (let r = 0; r < customers.length; r++) {
      const i = batch.count++;
      batch.start[i] = first + r;
      batch.end[i] = first + r + 1;
      const cid = text(customers[r]);
      const pid = text(products[r]);
      const ev = text(events[r]);
      let status: number;
      if (!cid) status = STATUS.missingCustomer;
      else if (!pid) status = STATUS.missingProduct;
      else if (!ev) status = STATUS.missingEvent;
      else {
        const d = dates[r];
        const t =
          d === null || d === undefined ? NaN : dateIsText ? parseEventDate(d as string) : (d as number);
        status = fieldStatus(t, cid, pid, minTime, maxTime);
        batch.time[i] = t;
        batch.text.push(cid, pid, ev.toLowerCase(), hasName ? text(productNames[r]) : "");
      }
      batch.status[i] = status;
      if (batch.count === BATCH_RECORDS) {
        onBatch(batch);
        batch = emptyBatch(fileIndex);
      }
    }
  }
  if (batch.count > 0) onBatch(batch);
}
