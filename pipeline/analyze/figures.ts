// The series behind the report's charts and tables, derived from the kept rows and
// stats.json. Plain rows of {label, value} so the same data feeds a chart and a table.

import { MS_PER_DAY } from "../ingest/dates.js";
import type { Interactions } from "../ingest/ingest.js";
import { listedReasons } from "../ingest/reasons.js";
import type { Stats } from "./stats.js";

export interface TimePoint {
  /** UTC day (YYYY-MM-DD), or month (YYYY-MM) when the log spans more than two years. */
  period: string;
  interactions: number;
}

export interface Bar {
  label: string;
  value: number;
  group?: string;
}

export interface Figures {
  timeline: { unit: "day" | "month"; points: TimePoint[] };
  activity: Bar[];
  events: Bar[];
  retention: Bar[];
  accounting: Bar[];
}

/** Activity buckets finer than stats.json's three, so the long tail is visible. */
export const ACTIVITY_BUCKETS: { label: string; min: number; max: number }[] = [
  { label: "1", min: 1, max: 1 },
  { label: "2", min: 2, max: 2 },
  { label: "3", min: 3, max: 3 },
  { label: "4", min: 4, max: 4 },
  { label: "5", min: 5, max: 5 },
  { label: "6–10", min: 6, max: 10 },
  { label: "11–50", min: 11, max: 50 },
  { label: "51+", min: 51, max: Number.POSITIVE_INFINITY },
];

function timeline(data: Interactions): Figures["timeline"] {
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (let r = 0; r < data.count; r++) {
    if (data.time[r] < first) first = data.time[r];
    if (data.time[r] > last) last = data.time[r];
  }
  const unit = data.count > 0 && (last - first) / MS_PER_DAY > 731 ? "month" : "day";
  const key = (ms: number) => new Date(ms).toISOString().slice(0, unit === "day" ? 10 : 7);
  // Bucket by day number first (cheap), name the buckets afterwards.
  const bucketOf = (ms: number) => (unit === "day" ? Math.floor(ms / MS_PER_DAY) : key(ms));
  const rows = new Map<number | string, number>();
  for (let r = 0; r < data.count; r++) {
    const b = bucketOf(data.time[r]);
    rows.set(b, (rows.get(b) ?? 0) + 1);
  }
  const points = [...rows.keys()]
    .map((b) => ({ period: typeof b === "number" ? key(b * MS_PER_DAY) : b, interactions: rows.get(b)! }))
    .sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : 0));
  return { unit, points };
}

function activity(data: Interactions): Bar[] {
  const perUser = new Int32Array(data.customers.length);
  for (let r = 0; r < data.count; r++) perUser[data.customer[r]]++;
  const counts = ACTIVITY_BUCKETS.map(() => 0);
  for (const k of perUser) {
    const i = ACTIVITY_BUCKETS.findIndex((b) => k >= b.min && k <= b.max);
    if (i >= 0) counts[i]++;
  }
  return ACTIVITY_BUCKETS.map((b, i) => ({ label: b.label, value: counts[i] }));
}

export function computeFigures(data: Interactions, stats: Stats): Figures {
  const r = stats.user_retention;
  const p = stats.product_churn;
  return {
    timeline: timeline(data),
    activity: activity(data),
    events: Object.entries(stats.event_distribution.counts).map(([label, value]) => ({ label, value })),
    retention: [
      { group: "customers", label: "early period", value: r.early_period_users },
      { group: "customers", label: "late period", value: r.late_period_users },
      { group: "customers", label: "returning", value: r.returning_users },
      { group: "products", label: "early period", value: p.early_period_products },
      { group: "products", label: "late period", value: p.late_period_products },
      { group: "products", label: "new in late period", value: p.new_products_in_test },
    ],
    accounting: [
      { label: "kept", value: stats.ingest.rows_kept },
      ...listedReasons(stats.ingest).map((reason) => ({
        label: reason,
        value: stats.ingest.rejected[reason] ?? 0,
      })),
    ],
  };
}
