// report.html: one self-contained page (inline CSS and SVG, no script, no CDN) with the
// charts an analyst looks at first and the same figures as tables.
import type { Charts } from "./charts.js";
import type { Bar, Figures } from "./figures.js";
import { escapeHtml, htmlPage } from "./html-page.js";
import type { Stats } from "./stats.js";

const fmt = (n: number) => n.toLocaleString("en-US", { maximumFractionDigits: 2 });

function table(head: string[], rows: (string | number)[][], numericFrom = 1): string {
  const cell = (v: string | number, i: number, tag: string) =>
    `<${tag}${i >= numericFrom ? ' class="num"' : ""}>${escapeHtml(typeof v === "number" ? fmt(v) : v)}</${tag}>`;
  return (
    `<table><thead><tr>${head.map((h, i) => cell(h, i, "th")).join("")}</tr></thead><tbody>` +
    rows.map((r) => `<tr>${r.map((v, i) => cell(v, i, "td")).join("")}</tr>`).join("") +
    `</tbody></table>`
  );
}

function share(part: number, whole: number): string {
  if (whole <= 0) return "–";
  const p = (100 * part) / whole;
  return p > 0 && p < 0.01 ? "<0.01%" : `${fmt(p)}%`;
}

function barsWithShare(bars: Bar[], total: number): (string | number)[][] {
  return bars.map((b) => [b.label, b.value, share(b.value, total)]);
}

/** `note` is trusted HTML built here; every data value in it is escaped by the caller. */
function section(
  id: string,
  title: string,
  note: string,
  svg: string,
  tableHtml: string,
  open = true,
): string {
  return `<section id="${id}"><h2>${escapeHtml(title)}</h2><p class="note">${note}</p>
<figure>${svg}</figure>
<details${open ? " open" : ""}><summary>Table</summary>${tableHtml}</details></section>`;
}

export interface ReportInput {
  stats: Stats;
  figures: Figures;
  charts: Charts;
  sources: string[];
  generatedAt: Date;
}

export function renderReport({ stats, figures, charts, sources, generatedAt }: ReportInput): string {
  const s = stats;
  const rejected = Object.values(s.ingest.rejected).reduce((a, b) => a + b, 0);
  const implausible = s.ingest.rejected.implausible_date ?? 0;
  const cards: [string, string][] = [
    ["rows read", fmt(s.ingest.rows_read)],
    ["rows kept", fmt(s.ingest.rows_kept)],
    [
      "rejected",
      `${fmt(rejected)} (${s.ingest.rows_read > 0 ? fmt((100 * rejected) / s.ingest.rows_read) : 0}%)`,
    ],
    ["customers", fmt(s.unique_users)],
    ["products", fmt(s.unique_products)],
    ["one-time customers", `${fmt(s.user_behavior.one_time_users_pct)}%`],
    ["retention early → late", `${fmt(s.user_retention.retention_rate_pct)}%`],
    ["new products in late period", `${fmt(s.product_churn.new_products_pct)}%`],
  ];
  const period = s.date_range.start ? `${s.date_range.start} – ${s.date_range.end}` : "no rows kept";
  const userCount = s.unique_users;

  const body = [
    section(
      "timeline",
      "Interactions over time",
      `Kept rows per UTC ${figures.timeline.unit}. The late period starts at the 0.8 quantile of event time (${escapeHtml(s.period_split.at ?? "–")}).`,
      charts.timeline,
      table(
        ["period", "interactions"],
        figures.timeline.points.map((p) => [p.period, p.interactions]),
      ),
      false,
    ),
    section(
      "activity",
      "Customers by activity",
      `Median ${fmt(s.user_behavior.median_interactions_per_user)}, mean ${fmt(s.user_behavior.mean_interactions_per_user)} interactions per customer; ` +
        `one-time ${fmt(s.user_behavior.one_time_users_pct)}%, 2–5 ${fmt(s.user_behavior.low_activity_users_pct)}%, more than 5 ${fmt(s.user_behavior.power_users_pct)}%.`,
      charts.activity,
      table(["interactions per customer", "customers", "share"], barsWithShare(figures.activity, userCount)),
    ),
    section(
      "events",
      "Event mix",
      "Events after trimming and lower-casing.",
      charts.events,
      table(["event", "interactions", "share"], barsWithShare(figures.events, s.total_interactions)),
    ),
    section(
      "churn",
      "Retention and product churn",
      `${fmt(s.user_retention.returning_users)} of ${fmt(s.user_retention.early_period_users)} early customers come back in the late period ` +
        `(${fmt(s.user_retention.retention_rate_pct)}%); ${fmt(s.product_churn.new_products_in_test)} of ${fmt(s.product_churn.late_period_products)} ` +
        `late-period products were never seen early (${fmt(s.product_churn.new_products_pct)}%).`,
      charts.retention,
      table(
        ["group", "figure", "count"],
        figures.retention.map((b) => [b.group ?? "", b.label, b.value]),
        2,
      ),
    ),
    section(
      "accounting",
      "Ingest accounting",
      `Every row read is kept or rejected for exactly one reason: ${fmt(s.ingest.rows_read)} read = ${fmt(s.ingest.rows_kept)} kept + ${fmt(rejected)} rejected. ` +
        `Each rejected row is in rejected.csv as read, with its line number.` +
        (implausible > 0
          ? ` Warning: ${fmt(implausible)} row(s) carried an implausible date (before 2000-01-01 or after the run's clock, by default; config plausibleDates) and were rejected as implausible_date: check the export.`
          : ""),
      charts.accounting,
      table(["outcome", "rows", "share of rows read"], barsWithShare(figures.accounting, s.ingest.rows_read)),
    ),
  ].join("\n");

  return htmlPage({
    title: "Interaction log report",
    meta: `${sources.join(", ")} · ${period} · generated ${generatedAt.toISOString()}`,
    cards,
    body,
  });
}
