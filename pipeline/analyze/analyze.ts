// The analysis `analyze`, `build` and `run` share: stats.json and report.html for
// already-ingested rows (rejected.csv is written by the ingest itself).
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Interactions } from "../ingest/ingest.js";
import { renderCharts } from "./charts.js";
import { computeFigures } from "./figures.js";
import { preloadRenderer } from "./renderer.js";
import { renderReport } from "./report.js";
import { computeStats, type Stats } from "./stats.js";

export { computeStats, preloadRenderer, type Stats };

export const STATS_FILE = "stats.json";
export const REPORT_FILE = "report.html";
export const REJECTED_FILE = "rejected.csv";

export async function writeAnalysis(
  data: Interactions,
  outDir: string,
  options: { stats?: Stats; now?: Date } = {},
): Promise<{ statsPath: string; reportPath: string; stats: Stats }> {
  const stats = options.stats ?? computeStats(data);
  const figures = computeFigures(data, stats);
  const charts = await renderCharts(figures);
  const html = renderReport({
    stats,
    figures,
    charts,
    sources: data.files,
    generatedAt: options.now ?? new Date(),
  });
  await mkdir(outDir, { recursive: true });
  const statsPath = join(outDir, STATS_FILE);
  const reportPath = join(outDir, REPORT_FILE);
  await writeFile(statsPath, `${JSON.stringify(stats, null, 2)}\n`);
  await writeFile(reportPath, html);
  return { statsPath, reportPath, stats };
}
