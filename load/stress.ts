// Stress: climb a staircase of request rates until the latency or error bar breaks: that
// step is the knee, the most this deployment (and this load generator) can serve well.
// Every request is tagged with its step, so the summary shows p95/p99/errors per rate and
// where they turn. By default the run stops at the knee (ABORT=false climbs to MAX_RATE).
// Mind the rate limit: docs/deploy.md, "Load tests".
import exec from "k6/execution";
import { Gauge } from "k6/metrics";
import type { Options } from "k6/options";
import { durationEnv, numberEnv, SUMMARY_TREND_STATS, thresholds } from "./lib/config.ts";
import { journey } from "./lib/journey.ts";
import { prepare, type SetupData } from "./lib/setup.ts";
import { rateAt, seconds, stageAt, staircase } from "./lib/stages.ts";
import { breakdown, summaryHandler, trackByTag } from "./lib/summary.ts";

const START_RATE = numberEnv("START_RATE", 10);
const MAX_RATE = numberEnv("MAX_RATE", 500);
const STEPS = numberEnv("STEPS", 8);
const HOLD = durationEnv("STEP_DURATION", "1m");
const ABORT = (__ENV.ABORT ?? "true") !== "false";

const STAGES = staircase(START_RATE, MAX_RATE, STEPS, HOLD);
const STEP_RATES = STAGES.filter((_, i) => i % 2 === 1).map((s) => s.target);

/** The rate k6 is offering right now; its max in the summary is how far the climb got. */
const offered = new Gauge("offered_rate");

export const options: Options = {
  scenarios: {
    stress: {
      executor: "ramping-arrival-rate",
      startRate: START_RATE,
      timeUnit: "1s",
      stages: STAGES,
      preAllocatedVUs: Math.max(10, Math.ceil(START_RATE / 5)),
      maxVUs: numberEnv("MAX_VUS", Math.max(50, Math.ceil(MAX_RATE))),
    },
  },
  thresholds: {
    ...thresholds({ maxFailedRate: 0.01, minChecksRate: 0.99, abortOnFail: ABORT }),
    ...trackByTag("step", STEP_RATES),
  },
  summaryTrendStats: SUMMARY_TREND_STATS,
};

export function setup(): SetupData {
  return prepare();
}

export default function (data: SetupData): void {
  const elapsed = (Date.now() - exec.scenario.startTime) / 1000;
  offered.add(rateAt(START_RATE, STAGES, elapsed));
  // A ramp belongs to the step it climbs to.
  const stage = stageAt(STAGES, elapsed);
  journey(data, { step: String(STAGES[stage].target) });
}

export const handleSummary = summaryHandler("stress", (d) => [
  `offered rate reached ${Math.round(d.metrics.offered_rate?.values.max ?? 0)}/s of ${MAX_RATE}/s planned ` +
    `(${STEPS} steps of ${seconds(HOLD)} s)${ABORT ? "; the run stops when a threshold breaks" : ""}`,
  "per step (offered requests/s):",
  ...breakdown(d, "step", STEP_RATES, (v) => `${v}/s`),
]);
