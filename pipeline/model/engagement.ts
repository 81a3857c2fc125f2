// Engagement per customer (docs/data.md, docs/model.md): volume, breadth, quality, intensity, recency.
// Volume, breadth, quality and intensity are normalized to 0..1 by percentile rank, so one
// extreme customer cannot flatten everyone else (with min-max scaling a single customer
// with 900 interactions would put the 89% one-time customers and the regulars within a
// hair of each other near zero). Recency is exp(-days / recencyDecayDays): already 0..1 and
// meaningful in absolute terms, so it is kept as is.
// With `customerModel: "bgnbd"` (the default) the customer score is instead the percentile
// rank of BG/NBD's expected active days in the next `bgnbd.horizonDays` (bgnbd.ts), blended
// with the engagement score by `bgnbd.weight`; the engagement features are still computed,
// and the visit days they walk give BG/NBD its frequency, recency and age.
import type { Config } from "../config.js";
import { MS_PER_DAY } from "../ingest/dates.js";
import type { Interactions } from "../ingest/ingest.js";
import { expectedByCustomer } from "./bgnbd.js";
import { DistinctValues } from "./distinct-values.js";
import { type Groups, groupRows, newestFirst, newestTime } from "./groups.js";
import { compareIds } from "./ids.js";
import { sortByKeysDescending } from "./sort.js";

export interface Engagement {
  score: Float64Array;
  lastActivity: Float64Array;
  /** Customer indices sorted best first: score, then latest activity, then id. */
  order: Int32Array;
}

/** Percentile rank in 0..1 with ties sharing their mid rank. */
export function percentileRanks(values: Float64Array): Float64Array {
  const n = values.length;
  const out = new Float64Array(n);
  if (n === 0) return out;
  // The inputs (counts, averages of a few event weights) have few distinct values: number
  // and count each one, sort just those, and a value's rank follows from how many lie below
  // it. A sort of all the values (millions) cost more than everything else here.
  const distinct = new DistinctValues();
  const number = new Int32Array(n);
  for (let c = 0; c < n; c++) number[c] = distinct.add(values[c]);
  const count = new Int32Array(distinct.size);
  for (let c = 0; c < n; c++) count[number[c]]++;
  const rank = new Float64Array(distinct.size);
  let below = 0;
  for (const v of distinct.list().sort()) {
    const k = distinct.find(v);
    const end = below + count[k];
    // The tie group occupies sorted positions [below, end): its mid rank.
    rank[k] = n === 1 ? 1 : (below + end - 1) / 2 / (n - 1);
    below = end;
  }
  for (let c = 0; c < n; c++) out[c] = rank[number[c]];
  return out;
}

/** Best first: higher score, then later last activity, then smaller id. */
export function sortCustomers(
  customers: Int32Array,
  score: ArrayLike<number>,
  lastActivity: ArrayLike<number>,
  ids: string[],
): Int32Array {
  return sortByKeysDescending(customers, [score, lastActivity], (a, b) => compareIds(ids[a], ids[b]));
}

/**
 * `asOf` is "now" for recency (default: the newest row). `byCustomer` may be passed when the
 * caller already grouped the rows (newest first), to save the grouping.
 */
export function computeEngagement(
  data: Interactions,
  config: Config,
  asOf?: number,
  byCustomer?: Groups,
): Engagement {
  const n = data.customers.length;
  const groups = byCustomer ?? groupRows(data.customer, newestFirst(data), n);
  const volume = new Float64Array(n);
  const breadth = new Float64Array(n);
  const quality = new Float64Array(n);
  const intensity = new Float64Array(n);
  const recency = new Float64Array(n);
  const lastActivity = new Float64Array(n).fill(-Infinity);
  const repeatDays = new Float64Array(n);
  const span = new Float64Array(n);
  const firstDay = new Float64Array(n);
  const now = asOf ?? newestTime(data);

  // Stamps instead of per-customer Sets: seen[p] === c + 1 means customer c already counted p.
  const seen = new Int32Array(data.products.length);
  for (let c = 0; c < n; c++) {
    const from = groups.start[c];
    const to = groups.start[c + 1];
    let weightSum = 0;
    let distinct = 0;
    let days = 0;
    let lastDay = NaN;
    let newestDay = NaN;
    for (let i = from; i < to; i++) {
      const r = groups.rows[i];
      weightSum += data.eventWeights[data.event[r]];
      const p = data.product[r];
      if (seen[p] !== c + 1) {
        seen[p] = c + 1;
        distinct++;
      }
      // Rows are newest first, so distinct days are the changes of day along the list.
      const day = Math.floor(data.time[r] / MS_PER_DAY);
      if (day !== lastDay) {
        days++;
        if (days === 1) newestDay = day;
        lastDay = day;
      }
    }
    // lastDay is now the customer's first active day (rows run newest first).
    repeatDays[c] = days - 1;
    span[c] = newestDay - lastDay;
    firstDay[c] = lastDay;
    const count = to - from;
    volume[c] = count;
    breadth[c] = distinct;
    quality[c] = count > 0 ? weightSum / count : 0;
    intensity[c] = days > 0 ? count / days : 0;
    if (count > 0) lastActivity[c] = data.time[groups.rows[from]];
    const ageDays = Math.max(0, (now - lastActivity[c]) / MS_PER_DAY);
    recency[c] = count > 0 ? Math.exp(-ageDays / config.recencyDecayDays) : 0;
  }
  const w = config.engagementWeights;
  const total = w.volume + w.breadth + w.quality + w.intensity + w.recency || 1;
  const parts: [Float64Array, number][] = [
    [percentileRanks(volume), w.volume],
    [percentileRanks(breadth), w.breadth],
    [percentileRanks(quality), w.quality],
    [percentileRanks(intensity), w.intensity],
    [recency, w.recency],
  ];
  const score = new Float64Array(n);
  for (const [values, weight] of parts) {
    if (weight === 0) continue;
    for (let c = 0; c < n; c++) score[c] += (values[c] * weight) / total;
  }
  if (config.customerModel === "bgnbd") {
    blendComeBack(score, volume, repeatDays, span, firstDay, Math.floor(now / MS_PER_DAY), config);
  }
  const order = new Int32Array(n);
  for (let c = 0; c < n; c++) order[c] = c;
  sortCustomers(order, score, lastActivity, data.customers);
  return { score, lastActivity, order };
}

/**
 * Replaces `bgnbd.weight` of each customer's score with the percentile rank of their
 * expected interaction days in the next `bgnbd.horizonDays` under a BG/NBD fit (bgnbd.ts).
 * A "transaction" is an active UTC day: the audience is judged by any interaction with the
 * product, and purchases alone are too rare to fit (most customers never buy). Customers
 * without rows (none in a build; possible in an evaluation's training part) expect 0.
 */
function blendComeBack(
  score: Float64Array,
  rows: Float64Array,
  repeatDays: Float64Array,
  span: Float64Array,
  firstDay: Float64Array,
  today: number,
  config: Config,
): void {
  const { horizonDays, weight } = config.bgnbd;
  let n = 0;
  for (let c = 0; c < score.length; c++) if (rows[c] > 0) n++;
  const active = new Int32Array(n);
  for (let c = 0, i = 0; c < score.length; c++) if (rows[c] > 0) active[i++] = c;
  const x = new Float64Array(n);
  const tx = new Float64Array(n);
  const T = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = active[i];
    x[i] = repeatDays[c];
    tx[i] = span[c];
    // Observed through the end of the newest day.
    T[i] = today - firstDay[c] + 1;
  }
  const expected = new Float64Array(score.length);
  if (n > 0) {
    const fitted = expectedByCustomer({ x, tx, T }, horizonDays).expected;
    for (let i = 0; i < n; i++) expected[active[i]] = fitted[i];
  }
  const comeBack = percentileRanks(expected);
  for (let c = 0; c < score.length; c++) score[c] = weight * comeBack[c] + (1 - weight) * score[c];
}
