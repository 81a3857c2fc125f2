// Ranking metrics for one audience against one product's truth (the customers who
// interacted with it in the test period). `truthSize` counts every truth customer, also
// those the model could never have ranked (unseen in training): recall and NDCG stay honest.

export interface Judged {
  /** Customers best first. */
  ranked: ArrayLike<number>;
  /** Truth customers the model could rank (seen in training). */
  truth: Set<number>;
  /** All truth customers, seen or not. */
  truthSize: number;
}

function hits(j: Judged, k: number): number {
  let h = 0;
  const n = Math.min(k, j.ranked.length);
  for (let i = 0; i < n; i++) if (j.truth.has(j.ranked[i])) h++;
  return h;
}

/** Share of the k slots that hold a truth customer (an empty slot counts as a miss). */
export function precisionAt(j: Judged, k: number): number {
  return hits(j, k) / k;
}

/** Share of the truth found in the first k. */
export function recallAt(j: Judged, k: number): number {
  return j.truthSize > 0 ? hits(j, k) / j.truthSize : 0;
}

/** 1 when at least one truth customer is in the first k. */
export function hitRateAt(j: Judged, k: number): number {
  return hits(j, k) > 0 ? 1 : 0;
}

/** DCG of the first k (binary relevance, 1/log2(rank+1)) over the DCG of a perfect list. */
export function ndcgAt(j: Judged, k: number): number {
  let dcg = 0;
  const n = Math.min(k, j.ranked.length);
  for (let i = 0; i < n; i++) if (j.truth.has(j.ranked[i])) dcg += 1 / Math.log2(i + 2);
  let ideal = 0;
  for (let i = 0; i < Math.min(k, j.truthSize); i++) ideal += 1 / Math.log2(i + 2);
  return ideal > 0 ? dcg / ideal : 0;
}

export interface Diversity {
  /** Distinct customers across all top-k audiences ÷ filled slots (1 = no customer repeats). */
  distinct_share: number;
  /** The largest share of audiences any one customer sits in (1 = someone is in all of them). */
  max_share: number;
}

export function diversity(audiences: ArrayLike<number>[], k: number): Diversity {
  const counts = new Map<number, number>();
  let slots = 0;
  for (const a of audiences) {
    const n = Math.min(k, a.length);
    slots += n;
    for (let i = 0; i < n; i++) counts.set(a[i], (counts.get(a[i]) ?? 0) + 1);
  }
  let max = 0;
  for (const v of counts.values()) max = Math.max(max, v);
  return {
    distinct_share: slots > 0 ? counts.size / slots : 0,
    max_share: audiences.length > 0 ? max / audiences.length : 0,
  };
}

/** Customers by how many top-k audiences they sit in (the customers in none are not counted). */
export const EXPOSURE_BUCKETS: { label: string; min: number; max: number }[] = [
  { label: "1", min: 1, max: 1 },
  { label: "2–5", min: 2, max: 5 },
  { label: "6–20", min: 6, max: 20 },
  { label: "21–100", min: 21, max: 100 },
  { label: "101–1,000", min: 101, max: 1000 },
  { label: "more than 1,000", min: 1001, max: Infinity },
];

export function exposureHistogram(
  audiences: ArrayLike<number>[],
  k: number,
): { label: string; customers: number }[] {
  const counts = new Map<number, number>();
  for (const a of audiences)
    for (let i = 0; i < Math.min(k, a.length); i++) counts.set(a[i], (counts.get(a[i]) ?? 0) + 1);
  const out = EXPOSURE_BUCKETS.map((b) => ({ label: b.label, customers: 0 }));
  for (const v of counts.values())
    out[EXPOSURE_BUCKETS.findIndex((b) => v >= b.min && v <= b.max)].customers++;
  return out;
}
