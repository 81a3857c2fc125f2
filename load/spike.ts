// Spike: steady traffic, a sudden surge (a campaign goes out), then steady again. The
// questions are whether the surge is served without errors, and whether latency comes
// back once it passes; every request is tagged with its phase and the recovery phase has
// its own thresholds. Mind the rate limit: docs/deploy.md, "Load tests".
import exec from "k6/execution";
import type { Options } from "k6/options";
import { durationEnv, numberEnv, P95_MS, P99_MS, SUMMARY_TREND_STATS, thresholds } from "./lib/config.ts";
import { journey } from "./lib/journey.ts";
import { prepare, type SetupData } from "./lib/setup.ts";
import { type Stage, stageAt } from "./lib/stages.ts";
import { breakdown, summaryHandler, trackByTag } from "./lib/summary.ts";

const BASE_RATE = numberEnv("BASE_RATE", 20);
const SPIKE_RATE = numberEnv("SPIKE_RATE", 400);
const HOLD = durationEnv("SPIKE_DURATION", "1m");

const PHASES = ["before", "surge", "spike", "drop", "recovery"] as const;
const STAGES: Stage[] = [
  { duration: "1m", target: BASE_RATE },
  { duration: "10s", target: SPIKE_RATE },
  { duration: HOLD, target: SPIKE_RATE },
  { duration: "10s", target: BASE_RATE },
  { duration: "2m", target: BASE_RATE },
];

export const options: Options = {
  scenarios: {
    spike: {
      executor: "ramping-arrival-rate",
      startRate: BASE_RATE,
      timeUnit: "1s",
      stages: STAGES,
      preAllocatedVUs: Math.max(10, Math.ceil(BASE_RATE / 5)),
      maxVUs: numberEnv("MAX_VUS", Math.max(50, Math.ceil(SPIKE_RATE))),
    },
  },
  thresholds: {
    // During the surge some slowness is expected; errors and wrong answers are not.
    ...thresholds({ maxFailedRate: 0.02, minChecksRate: 0.98, p95Ms: P95_MS * 2, p99Ms: P99_MS * 2 }),
    ...trackByTag("phase", PHASES),
    // After it, the edge must be back to its normal bar.
    "http_req_duration{phase:recovery}": [`p(95)<${P95_MS}`, `p(99)<${P99_MS}`],
    "http_req_failed{phase:recovery}": ["rate<=0.01"],
  },
  summaryTrendStats: SUMMARY_TREND_STATS,
};

export function setup(): SetupData {
  return prepare();
}

export default function (data: SetupData): void {
  const elapsed = (Date.now() - exec.scenario.startTime) / 1000;
  journey(data, { phase: PHASES[stageAt(STAGES, elapsed)] });
}

export const handleSummary = summaryHandler("spike", (d) => [
  `base ${BASE_RATE}/s, spike ${SPIKE_RATE}/s for ${HOLD}; per phase:`,
  ...breakdown(d, "phase", PHASES),
]);
