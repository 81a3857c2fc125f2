// Row groupings (CSR layout: a start offset per group and one flat array of row ids), so
// "the rows of this product" or "the rows of this customer" is a slice, not a scan.
import type { Interactions } from "../ingest/ingest.js";

export interface Groups {
  /** Rows of group g are rows[start[g] .. start[g + 1]), newest first. */
  start: Int32Array;
  rows: Int32Array;
}

/** The time of the newest row ("now" for recency), -Infinity without rows. */
export function newestTime(data: Interactions): number {
  let newest = -Infinity;
  for (let r = 0; r < data.count; r++) if (data.time[r] > newest) newest = data.time[r];
  return newest;
}

/**
 * The newest row's time from an order newestFirst made: no scan of the rows. A scan, run once
 * and so unoptimized, boxed every time it read: at 20M rows its young-generation collections
 * took 20 s, each slow while the old generation (tens of millions of id strings) was marked.
 */
export function newestIn(data: Interactions, order: Int32Array): number {
  return order.length > 0 ? data.time[order[0]] : -Infinity;
}

/** Row ids newest first (ties by row id), shared by every grouping. */
export function newestFirst(data: Interactions): Int32Array {
  const order = new Int32Array(data.count);
  for (let r = 0; r < data.count; r++) order[r] = r;
  const time = data.time;
  // Exports are usually in time order: then newest first is the runs of equal times from
  // the end, each in row order, with no sort at all (a comparator sort of millions of rows
  // took seconds).
  let ascending = true;
  for (let r = 1; r < data.count && ascending; r++) ascending = time[r] >= time[r - 1];
  if (ascending) {
    let w = 0;
    for (let end = data.count; end > 0; ) {
      let start = end - 1;
      while (start > 0 && time[start - 1] === time[end - 1]) start--;
      for (let r = start; r < end; r++) order[w++] = r;
      end = start;
    }
    return order;
  }
  order.sort((a, b) => time[b] - time[a] || a - b);
  return order;
}

/** Groups rows by `key[r]` (0..size-1), keeping `order` within each group. */
export function groupRows(key: Int32Array, order: Int32Array, size: number): Groups {
  const start = new Int32Array(size + 1);
  for (let i = 0; i < order.length; i++) start[key[order[i]] + 1]++;
  for (let g = 0; g < size; g++) start[g + 1] += start[g];
  const fill = start.slice(0, size);
  const rows = new Int32Array(order.length);
  for (let i = 0; i < order.length; i++) {
    const r = order[i];
    rows[fill[key[r]]++] = r;
  }
  return { start, rows };
}

/**
 * `values[rows[i]]` for every i: a row column laid out in a grouping's order, so walking a
 * group reads it in sequence instead of jumping through the rows (cache misses dominated
 * the per-product loops at millions of rows).
 */
export function gather(values: Int32Array, rows: Int32Array): Int32Array {
  const out = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = values[rows[i]];
  return out;
}

/** The same groups renumbered: new group k is old group from[k] (rows and their order kept). */
export function renumberGroups(groups: Groups, from: Int32Array): Groups {
  const start = new Int32Array(from.length + 1);
  const rows = new Int32Array(groups.rows.length);
  // A copy loop, not rows.set(subarray): a view per group was most of the time at 17M groups.
  let w = 0;
  for (let k = 0; k < from.length; k++) {
    const b = groups.start[from[k] + 1];
    for (let i = groups.start[from[k]]; i < b; i++) rows[w++] = groups.rows[i];
    start[k + 1] = w;
  }
  return { start, rows };
}
