// stats.json: the figures of the reference analysis (docs/data.md), field for field, all
// computed on the kept rows, plus the ingest accounting.
import type { Interactions } from "../ingest/ingest.js";
import type { Accounting } from "../ingest/reasons.js";

export interface Stats {
  total_interactions: number;
  unique_users: number;
  unique_products: number;
  /** First and last event instant, ISO 8601 UTC; null when no row was kept. */
  date_range: { start: string | null; end: string | null };
  /** 1 − distinct (customer, product) pairs / (customers × products). */
  sparsity: number;
  /** Where the early/late split falls: the 0.8 quantile of event time. */
  period_split: { quantile: number; at: string | null };
  user_retention: {
    early_period_users: number;
    late_period_users: number;
    returning_users: number;
    retention_rate_pct: number;
  };
  user_behavior: {
    median_interactions_per_user: number;
    mean_interactions_per_user: number;
    one_time_users_pct: number;
    low_activity_users_pct: number;
    power_users_pct: number;
  };
  product_churn: {
    early_period_products: number;
    late_period_products: number;
    new_products_in_test: number;
    new_products_pct: number;
  };
  event_distribution: { counts: Record<string, number>; percentages: Record<string, number> };
  ingest: Accounting;
}

export const SPLIT_QUANTILE = 0.8;

/** Percentages and means as the reference prints them: two decimals. */
export function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function pct(part: number, whole: number): number {
  return whole > 0 ? round2((100 * part) / whole) : 0;
}

export function isoInstant(ms: number): string {
  return new Date(ms).toISOString().replace(".000Z", "Z");
}

/** The q-quantile with linear interpolation between order statistics (numpy's default). */
export function quantileSorted(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const h = q * (sorted.length - 1);
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

function median(sortedInts: Int32Array): number {
  const n = sortedInts.length;
  if (n === 0) return 0;
  return n % 2 === 1 ? sortedInts[(n - 1) / 2] : (sortedInts[n / 2 - 1] + sortedInts[n / 2]) / 2;
}

/** The split instant: rows strictly before it are the early period, the rest late. */
export function splitTime(data: Interactions): number {
  const sorted = data.time.slice(0, data.count).sort();
  return quantileSorted(sorted, SPLIT_QUANTILE);
}

function distinctPairs(data: Interactions): number {
  const n = data.count;
  if (n === 0) return 0;
  // customer × products + product is below 2^53 for any realistic catalog, so one
  // float per row sorts natively instead of a string or object per pair.
  const width = data.products.length;
  const keys = new Float64Array(n);
  for (let r = 0; r < n; r++) keys[r] = data.customer[r] * width + data.product[r];
  keys.sort();
  let distinct = 1;
  for (let r = 1; r < n; r++) if (keys[r] !== keys[r - 1]) distinct++;
  return distinct;
}

export function computeStats(data: Interactions): Stats {
  const n = data.count;
  const users = data.customers.length;
  const products = data.products.length;

  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (let r = 0; r < n; r++) {
    const t = data.time[r];
    if (t < first) first = t;
    if (t > last) last = t;
  }
  const split = n > 0 ? splitTime(data) : NaN;

  // Per customer: interaction count, and bit 1 = seen early, bit 2 = seen late.
  const perUser = new Int32Array(users);
  const userPeriods = new Uint8Array(users);
  const productPeriods = new Uint8Array(products);
  const eventCounts = new Float64Array(data.events.length);
  for (let r = 0; r < n; r++) {
    const c = data.customer[r];
    const bit = data.time[r] < split ? 1 : 2;
    perUser[c]++;
    userPeriods[c] |= bit;
    productPeriods[data.product[r]] |= bit;
    eventCounts[data.event[r]]++;
  }
  let early = 0,
    late = 0,
    returning = 0,
    oneTime = 0,
    low = 0,
    power = 0;
  for (let c = 0; c < users; c++) {
    const p = userPeriods[c];
    if (p & 1) early++;
    if (p & 2) late++;
    if (p === 3) returning++;
    const k = perUser[c];
    if (k === 1) oneTime++;
    else if (k <= 5) low++;
    else power++;
  }
  let earlyProducts = 0,
    lateProducts = 0,
    newProducts = 0;
  for (let p = 0; p < products; p++) {
    const b = productPeriods[p];
    if (b & 1) earlyProducts++;
    if (b & 2) lateProducts++;
    if (b === 2) newProducts++;
  }

  const order = data.events.map((_, e) => e).filter((e) => eventCounts[e] > 0);
  order.sort((a, b) => eventCounts[b] - eventCounts[a] || (data.events[a] < data.events[b] ? -1 : 1));
  const counts: Record<string, number> = {};
  const percentages: Record<string, number> = {};
  for (const e of order) {
    counts[data.events[e]] = eventCounts[e];
    percentages[data.events[e]] = pct(eventCounts[e], n);
  }

  const cells = users * products;
  return {
    total_interactions: n,
    unique_users: users,
    unique_products: products,
    date_range: { start: n > 0 ? isoInstant(first) : null, end: n > 0 ? isoInstant(last) : null },
    sparsity: cells > 0 ? 1 - distinctPairs(data) / cells : 0,
    period_split: { quantile: SPLIT_QUANTILE, at: n > 0 ? isoInstant(split) : null },
    user_retention: {
      early_period_users: early,
      late_period_users: late,
      returning_users: returning,
      retention_rate_pct: pct(returning, early),
    },
    user_behavior: {
      median_interactions_per_user: median(perUser.slice().sort()),
      mean_interactions_per_user: users > 0 ? round2(n / users) : 0,
      one_time_users_pct: pct(oneTime, users),
      low_activity_users_pct: pct(low, users),
      power_users_pct: pct(power, users),
    },
    product_churn: {
      early_period_products: earlyProducts,
      late_period_products: lateProducts,
      new_products_in_test: newProducts,
      new_products_pct: pct(newProducts, lateProducts),
    },
    event_distribution: { counts, percentages },
    ingest: structuredClone(data.accounting),
  };
}
