// evaluation.html's charts: vega-lite specs rendered to SVG by the report's renderer
// (pipeline/analyze/renderer.ts), so the page carries inline SVG and needs no script.
import type { TopLevelSpec } from "vega-lite";
import { renderSpecs } from "../analyze/renderer.js";
import { BASELINES, type Evaluation, MODELS } from "./evaluate.js";

const FONT = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif";
const CONFIG = {
  font: FONT,
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: "#e5e7eb" },
};
/** What every chart of the page shares: the schema, the style and the size. */
const FRAME = {
  $schema: "https://vega.github.io/schema/vega-lite/v6.json",
  config: CONFIG,
  width: 560,
  height: 240,
};
const COLORS = { domain: [...MODELS], range: ["#9ca3af", "#d97706", "#059669", "#2563eb"] };

/** One point per model and k with its 95% interval as a rule: `metric` at each k. */
function intervalSpec(e: Evaluation, metric: "recall" | "hit_rate", title: string): TopLevelSpec {
  const values = MODELS.flatMap((model) =>
    e.k.map((k) => {
      const i = e.models[model].intervals[metric][k];
      return { model, k: `@${k}`, value: i.value, low: i.low, high: i.high ?? i.value };
    }),
  );
  return {
    ...FRAME,
    data: { values },
    encoding: {
      x: { field: "k", type: "ordinal", sort: e.k.map((k) => `@${k}`), title: "k", axis: { labelAngle: 0 } },
      xOffset: { field: "model", type: "nominal", sort: [...MODELS] },
      color: { field: "model", type: "nominal", scale: COLORS, title: null },
    },
    layer: [
      {
        mark: { type: "rule", strokeWidth: 2 },
        encoding: {
          y: { field: "low", type: "quantitative", title: `${title} (95% interval)` },
          y2: { field: "high" },
        },
      },
      {
        mark: { type: "point", filled: true, size: 45 },
        encoding: { y: { field: "value", type: "quantitative" } },
      },
    ],
  } as TopLevelSpec;
}

/** The full model's recall lift over each baseline at each k, intervals clipped at the chart's top. */
function liftSpec(e: Evaluation): TopLevelSpec {
  const values = BASELINES.flatMap((base) =>
    e.k.flatMap((k) => {
      const i = e.lift[base].recall[k];
      if (!i) return [];
      return [{ baseline: `over ${base}`, k: `@${k}`, value: i.value, low: i.low, high: i.high ?? 1e6 }];
    }),
  );
  return {
    ...FRAME,
    data: { values },
    encoding: {
      x: { field: "k", type: "ordinal", sort: e.k.map((k) => `@${k}`), title: "k", axis: { labelAngle: 0 } },
      xOffset: { field: "baseline", type: "nominal" },
      color: { field: "baseline", type: "nominal", title: null },
    },
    layer: [
      {
        mark: { type: "rule", strokeWidth: 2, clip: true },
        encoding: {
          y: {
            field: "low",
            type: "quantitative",
            scale: { type: "log", domainMax: 1000 },
            title: "recall lift (log, 95% interval)",
          },
          y2: { field: "high" },
        },
      },
      {
        mark: { type: "point", filled: true, size: 45 },
        encoding: { y: { field: "value", type: "quantitative" } },
      },
      { mark: { type: "rule", strokeDash: [4, 4], color: "#6b7280" }, encoding: { y: { datum: 1 } } },
    ],
  } as TopLevelSpec;
}

/** Customers by how many top-10 audiences they sit in, per model (log counts). */
function exposureSpec(e: Evaluation): TopLevelSpec {
  const values = MODELS.flatMap((model) =>
    e.models[model].exposure.map((b) => ({ model, bucket: b.label, customers: b.customers })),
  );
  return {
    ...FRAME,
    data: { values },
    mark: "bar",
    encoding: {
      x: {
        field: "bucket",
        type: "ordinal",
        sort: null,
        title: "top-10 audiences a customer sits in",
        axis: { labelAngle: 0 },
      },
      xOffset: { field: "model", type: "nominal", sort: [...MODELS] },
      y: {
        field: "customers",
        type: "quantitative",
        scale: { type: "symlog" },
        title: "customers (log scale)",
      },
      color: { field: "model", type: "nominal", scale: COLORS, title: null },
    },
  } as TopLevelSpec;
}

export interface EvaluationCharts {
  recall: string;
  hitRate: string;
  lift: string;
  exposure: string;
}

export async function renderEvaluationCharts(e: Evaluation): Promise<EvaluationCharts> {
  const [recall, hitRate, lift, exposure] = await renderSpecs([
    intervalSpec(e, "recall", "recall"),
    intervalSpec(e, "hit_rate", "hit rate"),
    liftSpec(e),
    exposureSpec(e),
  ]);
  return { recall, hitRate, lift, exposure };
}
