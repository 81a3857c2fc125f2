// Engagement per customer (DATA.md): volume, breadth, quality, intensity, recency,
// each normalized to 0..1 by percentile rank, so one extreme customer cannot flatten
// everyone else (a min-max scale would put 99.9% of customers near zero).
import type { Config } from "../config.js";
import type { Interactions } from "../ingest/ingest.js";
import { MS_PER_DAY, utcDay } from "../ingest/dates.js";

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
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  idx.sort((a, b) => values[a] - values[b]);
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && values[idx[j + 1]] === values[idx[i]]) j++;
    const rank = n === 1 ? 1 : (i + j) / 2 / (n - 1);
    for (let k = i; k <= j; k++) out[idx[k]] = rank;
    i = j + 1;
  }
  return out;
}

export function computeEngagement(data: Interactions, config: Config, asOf?: number): Engagement {
  const n = data.customers.length;
  const volume = new Float64Array(n);
  const weightSum = new Float64Array(n);
  const lastActivity = new Float64Array(n).fill(-Infinity);
  const breadth = new Float64Array(n);
  const days = new Float64Array(n);
  let maxTime = -Infinity;
  for (let r = 0; r < data.count; r++) if (data.time[r] > maxTime) maxTime = data.time[r];
  const now = asOf ?? maxTime;

  // Rows grouped by customer (counting sort) for the distinct counts.
  const start = new Int32Array(n + 1);
  for (let r = 0; r < data.count; r++) start[data.customer[r] + 1]++;
  for (let c = 0; c < n; c++) start[c + 1] += start[c];
  const fill = start.slice(0, n);
  const rows = new Int32Array(data.count);
  for (let r = 0; r < data.count; r++) rows[fill[data.customer[r]]++] = r;

  const seenProducts = new Set<number>();
  const seenDays = new Set<number>();
  for (let c = 0; c < n; c++) {
    seenProducts.clear();
    seenDays.clear();
    for (let i = start[c]; i < start[c + 1]; i++) {
      const r = rows[i];
      volume[c]++;
      weightSum[c] += data.eventWeights[data.event[r]];
      if (data.time[r] > lastActivity[c]) lastActivity[c] = data.time[r];
      seenProducts.add(data.product[r]);
      seenDays.add(utcDay(data.time[r]));
    }
    breadth[c] = seenProducts.size;
    days[c] = seenDays.size;
  }
  const quality = new Float64Array(n);
  const intensity = new Float64Array(n);
  const recency = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    quality[c] = volume[c] > 0 ? weightSum[c] / volume[c] : 0;
    intensity[c] = days[c] > 0 ? volume[c] / days[c] : 0;
    const ageDays = Math.max(0, (now - lastActivity[c]) / MS_PER_DAY);
    recency[c] = Math.exp(-ageDays / config.recencyDecayDays);
  }
  const w = config.engagementWeights;
  const total = w.volume + w.breadth + w.quality + w.intensity + w.recency || 1;
  const parts: [Float64Array, number][] = [
    [percentileRanks(volume), w.volume],
    [percentileRanks(breadth), w.breadth],
    [percentileRanks(quality), w.quality],
    [percentileRanks(intensity), w.intensity],
    // Recency is already 0..1 and meaningful in absolute terms.
    [recency, w.recency],
  ];
  const score = new Float64Array(n);
  for (const [values, weight] of parts) for (let c = 0; c < n; c++) score[c] += (values[c] * weight) / total;

  const order = new Int32Array(n);
  for (let c = 0; c < n; c++) order[c] = c;
  const ids = data.customers;
  order.sort((a, b) => score[b] - score[a] || lastActivity[b] - lastActivity[a] || (ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : 0));
  return { score, lastActivity, order };
}
