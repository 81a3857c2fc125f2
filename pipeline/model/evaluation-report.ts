// evaluation.html: the hold-out evaluation as one self-contained page in the style of
// report.html (inline CSS and SVG, no script, no network): recall and hit rate at each k
// with intervals per model, the lift over each baseline, coverage, retarget purchases and
// the exposure histogram, each chart with its table.
import { escapeHtml, htmlPage } from "../analyze/html-page.js";
import { BASELINES, type Evaluation, formatInterval, MODELS } from "./evaluate.js";
import type { BuyRate } from "./evaluate-retarget.js";
import type { EvaluationCharts } from "./evaluation-charts.js";

const fmt = (n: number, digits = 4) => n.toFixed(digits);
const count = (n: number) => n.toLocaleString("en-US");

function table(head: string[], rows: string[][]): string {
  const cell = (v: string, i: number, tag: string) =>
    `<${tag}${i > 0 ? ' class="num"' : ""}>${escapeHtml(v)}</${tag}>`;
  return (
    `<table><thead><tr>${head.map((h, i) => cell(h, i, "th")).join("")}</tr></thead><tbody>` +
    rows.map((r) => `<tr>${r.map((v, i) => cell(v, i, "td")).join("")}</tr>`).join("") +
    "</tbody></table>"
  );
}

/** `note` is trusted HTML built here; data values in it are escaped by the caller. */
function section(id: string, title: string, note: string, svg: string, tableHtml: string): string {
  return `<section id="${id}"><h2>${escapeHtml(title)}</h2><p class="note">${note}</p>
<figure>${svg}</figure>
<details open><summary>Table</summary>${tableHtml}</details></section>`;
}

function metricTable(e: Evaluation, metric: "recall" | "hit_rate"): string {
  return table(
    ["model", ...e.k.map((k) => `@${k}`), ...(metric === "hit_rate" ? e.k.map((k) => `hits@${k}`) : [])],
    MODELS.map((m) => [
      m,
      ...e.k.map((k) => formatInterval(e.models[m].intervals[metric][k])),
      ...(metric === "hit_rate" ? e.k.map((k) => count(e.models[m].hits[k])) : []),
    ]),
  );
}

function buyRow(name: string, b: BuyRate): string[] {
  return [
    name,
    count(b.products),
    count(b.pairs),
    count(b.buyers),
    formatInterval(b.rate),
    `${fmt(100 * b.products_with_buyer, 2)}%`,
  ];
}

export function renderEvaluationReport(
  e: Evaluation,
  charts: EvaluationCharts,
  sources: string[],
  generatedAt: Date,
): string {
  const full = e.models.full;
  const cards: [string, string][] = [
    ["evaluated products", count(e.products.evaluated)],
    ["coverage", `${fmt(100 * e.products.coverage, 1)}%`],
    ["truth pairs", count(e.truth_pairs)],
    ["ceiling (truth seen in training)", `${fmt(100 * e.ceiling, 1)}%`],
    ["full recall@100", e.k.includes(100) ? formatInterval(full.intervals.recall["100"]) : "–"],
    ["largest share of top-10 audiences", `${fmt(100 * full.diversity.max_share, 2)}%`],
    ["distinct customers per top-10 slot", fmt(full.diversity.distinct_share)],
  ];
  const ci = `95% intervals: ${count(e.bootstrap.replicates)} bootstrap resamples of the evaluated products; lifts are paired (model and baseline on the same resample).`;
  const body = [
    section(
      "recall",
      "Recall at each k",
      `Share of each product's new customers found in its first k, averaged over products. ${escapeHtml(ci)}`,
      charts.recall,
      metricTable(e, "recall"),
    ),
    section(
      "hits",
      "Hit rate at each k",
      "Share of products with at least one new customer in the first k; hits = that count of products.",
      charts.hitRate,
      metricTable(e, "hit_rate"),
    ),
    section(
      "lift",
      "Lift of the full model over each baseline",
      "Recall of the full model ÷ recall of the baseline (log scale; the dashed line is no gain). An interval that reaches 1 is no evidence of a gain. n/a: the baseline found nobody.",
      charts.lift,
      table(
        ["baseline", ...e.k.map((k) => `recall@${k}`), ...e.k.map((k) => `hit rate@${k}`)],
        BASELINES.map((b) => [
          b,
          ...e.k.map((k) => formatInterval(e.lift[b].recall[k], 2, "x")),
          ...e.k.map((k) => formatInterval(e.lift[b].hit_rate[k], 2, "x")),
        ]),
      ),
    ),
    section(
      "exposure",
      "Exposure: how many top-10 audiences each customer sits in",
      `A customer in many audiences is one every campaign would contact. Largest share: ${MODELS.map((m) => `${escapeHtml(m)} ${fmt(100 * e.models[m].diversity.max_share, 2)}%`).join(", ")}.`,
      charts.exposure,
      table(
        ["audiences", ...MODELS],
        full.exposure.map((b, i) => [
          b.label,
          ...MODELS.map((m) => count(e.models[m].exposure[i].customers)),
        ]),
      ),
    ),
    `<section id="retarget"><h2>Retarget audiences beside prospects</h2><p class="note">Share of audience slots whose customer buys the product in the test period. Retarget: customers who carted or wishlisted it in training and never bought it; prospects: the full model's audiences of the evaluated products.</p>${table(
      ["audience", "products", "slots", "bought", "rate (95% interval)", "products with a buyer"],
      [
        buyRow("retarget", e.retarget.retarget),
        ...Object.entries(e.retarget.prospects).map(([k, b]) => buyRow(`prospects top-${k}`, b)),
      ],
    )}</section>`,
  ].join("\n");
  return htmlPage({
    title: "Audience model evaluation",
    meta: `${sources.join(", ")} · split at ${e.split.cutoff}: ${count(e.split.train_rows)} train rows, ${count(e.split.test_rows)} test rows · generated ${generatedAt.toISOString()}`,
    cards,
    body,
  });
}
