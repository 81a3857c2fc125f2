// The temporal hold-out: rows before the 0.8 quantile of event time train, the rest test.
// A quantile of the rows, not a share of the time span: one row dated decades off would
// otherwise stretch the span so that every other row lands on one side (the data
// report's early/late split is cut the same way). The train part is re-indexed so customers and products that only appear in the test
// period do not exist for the model (no leakage through empty engagement rows).
import type { Interactions } from "../ingest/ingest.js";

export interface TemporalSplit {
  cutoff: number;
  train: Interactions;
  /** Test rows, as indices into the original data. */
  testRows: Int32Array;
}

/** The cut instant: the `trainShare` quantile of the rows' times, interpolated as numpy does. */
export function splitInstant(data: Interactions, trainShare: number): number {
  const sorted = data.time.slice(0, data.count).sort();
  if (sorted.length === 0) return NaN;
  const h = trainShare * (sorted.length - 1);
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

export function splitByTime(data: Interactions, trainShare = 0.8): TemporalSplit {
  const cutoff = splitInstant(data, trainShare);
  const test: number[] = [];
  for (let r = 0; r < data.count; r++) if (data.time[r] >= cutoff) test.push(r);
  return { cutoff, train: subsetRows(data, (r) => data.time[r] < cutoff), testRows: Int32Array.from(test) };
}

/** The rows for which `keep` holds, with customers and products renumbered densely. */
export function subsetRows(data: Interactions, keep: (row: number) => boolean): Interactions {
  const customerMap = new Int32Array(data.customers.length).fill(-1);
  const productMap = new Int32Array(data.products.length).fill(-1);
  const customers: string[] = [];
  const products: string[] = [];
  const productNames: string[] = [];
  const latestNames: (string | null)[] = [];
  const rows: number[] = [];
  for (let r = 0; r < data.count; r++) {
    if (!keep(r)) continue;
    rows.push(r);
    const c = data.customer[r];
    if (customerMap[c] < 0) {
      customerMap[c] = customers.length;
      customers.push(data.customers[c]);
    }
    const p = data.product[r];
    if (productMap[p] < 0) {
      productMap[p] = products.length;
      products.push(data.products[p]);
      productNames.push(data.productNames[p] ?? "");
      latestNames.push(data.latestNames[p] ?? null);
    }
  }
  const n = rows.length;
  const out: Interactions = {
    ...data,
    customers,
    products,
    productNames,
    latestNames,
    count: n,
    customer: new Int32Array(n),
    product: new Int32Array(n),
    event: new Uint8Array(n),
    time: new Float64Array(n),
  };
  rows.forEach((r, i) => {
    out.customer[i] = customerMap[data.customer[r]];
    out.product[i] = productMap[data.product[r]];
    out.event[i] = data.event[r];
    out.time[i] = data.time[r];
  });
  return out;
}
