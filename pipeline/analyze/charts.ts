// The report's charts: vega-lite specs compiled to vega and rendered to SVG headlessly
// (View.toSVG with renderer "none", in renderer.ts's worker), so report.html carries
// inline SVG and needs no script, CDN or network to open.
import type { TopLevelSpec } from "vega-lite";
import type { Bar, Figures } from "./figures.js";
import { renderSpecs } from "./renderer.js";

const WIDTH = 640;
const FONT = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif";
const CONFIG = {
  font: FONT,
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: "#e5e7eb" },
  bar: { color: "#2563eb" },
  line: { color: "#2563eb" },
};

/** Symlog scales draw zero and tiny bars alike, but need their ticks at powers of ten. */
function powerTicks(values: Bar[]): number[] {
  const max = Math.max(1, ...values.map((v) => v.value));
  const ticks = [0];
  for (let t = 1; t <= max * 10; t *= 10) ticks.push(t);
  return ticks;
}

function horizontalBars(
  values: Bar[],
  title: string,
  color = "#2563eb",
  scale: "linear" | "symlog" = "linear",
): TopLevelSpec {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config: CONFIG,
    width: WIDTH - 200,
    height: { step: 22 },
    data: { values },
    mark: { type: "bar", color },
    encoding: {
      y: { field: "label", type: "nominal", sort: null, title: null },
      x: {
        field: "value",
        type: "quantitative",
        title,
        scale: { type: scale },
        axis: scale === "symlog" ? { values: powerTicks(values), format: ",.0f" } : { format: ",.0f" },
      },
      tooltip: [{ field: "label" }, { field: "value", format: ",.0f" }],
    },
  } as TopLevelSpec;
}

export function timelineSpec(figures: Figures): TopLevelSpec {
  const unit = figures.timeline.unit;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config: CONFIG,
    width: WIDTH,
    height: 220,
    data: { values: figures.timeline.points },
    mark: { type: "area", line: true, opacity: 0.35 },
    encoding: {
      x: {
        field: "period",
        type: "temporal",
        timeUnit: unit === "day" ? "utcyearmonthdate" : "utcyearmonth",
        title: null,
      },
      y: { field: "interactions", type: "quantitative", title: `interactions per ${unit}` },
    },
  } as TopLevelSpec;
}

export function activitySpec(figures: Figures): TopLevelSpec {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config: CONFIG,
    width: WIDTH - 120,
    height: 220,
    data: { values: figures.activity },
    mark: "bar",
    encoding: {
      x: {
        field: "label",
        type: "ordinal",
        sort: null,
        title: "interactions per customer",
        axis: { labelAngle: 0 },
      },
      y: {
        field: "value",
        type: "quantitative",
        scale: { type: "symlog" },
        axis: { values: powerTicks(figures.activity), format: ",.0f" },
        title: "customers (log scale)",
      },
    },
  } as TopLevelSpec;
}

export function retentionSpec(figures: Figures): TopLevelSpec {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config: CONFIG,
    data: { values: figures.retention },
    facet: { row: { field: "group", type: "nominal", title: null } },
    resolve: { scale: { x: "independent", y: "independent" } },
    spec: {
      width: WIDTH - 220,
      height: { step: 22 },
      mark: "bar",
      encoding: {
        y: { field: "label", type: "nominal", sort: null, title: null },
        x: { field: "value", type: "quantitative", title: null },
        color: { field: "group", type: "nominal", legend: null, scale: { range: ["#2563eb", "#d97706"] } },
      },
    },
  } as TopLevelSpec;
}

export interface Charts {
  timeline: string;
  activity: string;
  events: string;
  retention: string;
  accounting: string;
}

export async function renderCharts(figures: Figures): Promise<Charts> {
  const [timeline, activity, events, retention, accounting] = await renderSpecs([
    timelineSpec(figures),
    activitySpec(figures),
    horizontalBars(figures.events, "interactions"),
    retentionSpec(figures),
    // Rejections are usually tiny next to the kept rows; a log axis keeps them visible.
    horizontalBars(figures.accounting, "rows (log scale)", "#059669", "symlog"),
  ]);
  return { timeline, activity, events, retention, accounting };
}
