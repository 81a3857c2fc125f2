// Soak: ordinary traffic for a long time (an hour by default). What it finds is drift:
// latency that creeps up, errors that appear after a while, a publish or refresh in the
// middle that hurts. Requests are tagged with their time window, and the summary shows
// p95/p99 per window so a slow climb is visible. Checks do not pin the model version, so
// a refresh may be published during the soak (and should be, now and then).
import exec from "k6/execution";
import type { Options } from "k6/options";
import { durationEnv, numberEnv, SUMMARY_TREND_STATS, thresholds } from "./lib/config.ts";
import { journey } from "./lib/journey.ts";
import { prepare, type SetupData } from "./lib/setup.ts";
import { seconds } from "./lib/stages.ts";
import { breakdown, summaryHandler, trackByTag } from "./lib/summary.ts";

const RATE = numberEnv("RATE", 20);
const DURATION = durationEnv("DURATION", "1h");
const WINDOW = durationEnv("WINDOW", "10m");
const WINDOWS = Array.from(
  { length: Math.max(1, Math.ceil(seconds(DURATION) / seconds(WINDOW))) },
  (_, i) => i + 1,
);
const VUS = numberEnv("VUS", Math.max(10, Math.ceil(RATE / 5)));

export const options: Options = {
  scenarios: {
    soak: {
      executor: "constant-arrival-rate",
      rate: RATE,
      timeUnit: "1s",
      duration: DURATION,
      preAllocatedVUs: VUS,
      maxVUs: VUS * 4,
    },
  },
  thresholds: {
    ...thresholds({ maxFailedRate: 0.001, minChecksRate: 0.999 }),
    ...trackByTag("window", WINDOWS),
  },
  summaryTrendStats: SUMMARY_TREND_STATS,
};

export function setup(): SetupData {
  return prepare();
}

export default function (data: SetupData): void {
  const elapsed = (Date.now() - exec.scenario.startTime) / 1000;
  const window = Math.min(WINDOWS.length, Math.floor(elapsed / seconds(WINDOW)) + 1);
  journey(data, { window: String(window) });
}

export const handleSummary = summaryHandler("soak", (d) => [
  `${RATE}/s for ${DURATION}; per ${WINDOW} window (a steady climb is drift):`,
  ...breakdown(d, "window", WINDOWS, (w) => `window ${w}`),
]);
