// Load: the expected traffic, held steady. constant-arrival-rate keeps offering RATE
// requests a second whatever the latency, so a slow edge shows up as latency and dropped
// iterations, not as a quietly lower request rate (which a fixed number of VUs would hide).
import type { Options } from "k6/options";
import { durationEnv, numberEnv, SUMMARY_TREND_STATS, thresholds } from "./lib/config.ts";
import { journey } from "./lib/journey.ts";
import { prepare, type SetupData } from "./lib/setup.ts";
import { summaryHandler } from "./lib/summary.ts";

const RATE = numberEnv("RATE", 50);
// Enough VUs for RATE at ~200 ms a request; k6 adds more up to maxVUs when latency grows.
const VUS = numberEnv("VUS", Math.max(10, Math.ceil(RATE / 5)));

export const options: Options = {
  scenarios: {
    load: {
      executor: "constant-arrival-rate",
      rate: RATE,
      timeUnit: "1s",
      duration: durationEnv("DURATION", "5m"),
      preAllocatedVUs: VUS,
      maxVUs: VUS * 4,
    },
  },
  thresholds: {
    ...thresholds({ maxFailedRate: 0.01, minChecksRate: 0.99 }),
    // iterations k6 could not start in time: the generator or the edge cannot keep up.
    dropped_iterations: [`count<=${Math.ceil(RATE)}`],
  },
  summaryTrendStats: SUMMARY_TREND_STATS,
};

export function setup(): SetupData {
  return prepare();
}

export default function (data: SetupData): void {
  journey(data);
}

export const handleSummary = summaryHandler("load");
