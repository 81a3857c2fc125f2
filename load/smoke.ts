// Smoke: one virtual user walks every route and error path of the HTTP contract a few
// times, each answer checked. Run it after every deploy and publish; any failed request
// or check fails the run. `npm run load:smoke`; settings in load/README.md.
import type { Options } from "k6/options";
import { numberEnv, SUMMARY_TREND_STATS, thresholds } from "./lib/config.ts";
import { fullTour } from "./lib/journey.ts";
import { prepare, type SetupData } from "./lib/setup.ts";
import { summaryHandler } from "./lib/summary.ts";

export const options: Options = {
  scenarios: {
    smoke: {
      executor: "per-vu-iterations",
      vus: 1,
      iterations: numberEnv("ITERATIONS", 3),
      maxDuration: "2m",
    },
  },
  thresholds: thresholds({ maxFailedRate: 0, minChecksRate: 1 }),
  summaryTrendStats: SUMMARY_TREND_STATS,
};

export function setup(): SetupData {
  return prepare();
}

export default function (data: SetupData): void {
  fullTour(data);
}

export const handleSummary = summaryHandler("smoke");
