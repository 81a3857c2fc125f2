// What every k6 script shares: where the API is, how to authenticate, how to read a body
// without ever throwing, and the pass/fail bar. Everything is set with `-e NAME=value`
// (or the environment, through load/run.sh); nothing here needs editing per deployment.
import type { Options, Threshold } from "k6/options";

function env(name: string): string | undefined {
  const value = __ENV[name];
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

/** A positive number from the environment; a typo must stop the run, not silently use 0. */
export function numberEnv(name: string, fallback: number): number {
  const raw = env(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`${name} must be a positive number, got "${raw}"`);
  }
  return value;
}

/** A k6 duration such as `30s`, `5m` or `1h30m`. */
export function durationEnv(name: string, fallback: string): string {
  const raw = env(name) ?? fallback;
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(raw)) {
    throw new Error(`${name} must be a k6 duration like 30s, 5m or 1h, got "${raw}"`);
  }
  return raw;
}

function baseUrl(): string {
  const raw = env("BASE_URL") ?? "http://127.0.0.1:8787";
  if (!/^https?:\/\/[^/\s]+/.test(raw)) {
    throw new Error(
      `BASE_URL must be an http(s) URL such as https://product-audience.example.workers.dev, got "${raw}"`,
    );
  }
  return raw.replace(/\/+$/, "");
}

/** Default: `npm start`'s local worker, so a smoke run needs no setting at all. */
export const BASE_URL = baseUrl();
/** One of the deployment's API_KEYS; unset for an open (local) deployment. */
export const API_KEY = env("API_KEY");
/** Where handleSummary writes; load/run.sh creates it (k6 does not create folders). */
export const RESULTS_DIR = (env("RESULTS_DIR") ?? "load/results").replace(/\/+$/, "");

/** Latency bars in milliseconds, as seen from the load generator (network included). */
export const P95_MS = numberEnv("P95_MS", 500);
export const P99_MS = numberEnv("P99_MS", 1000);

export function headers(extra: Record<string, string> = {}): Record<string, string> {
  const base: Record<string, string> = { Accept: "application/json", "User-Agent": "product-audience-k6" };
  if (API_KEY) base.Authorization = `Bearer ${API_KEY}`;
  return { ...base, ...extra };
}

/**
 * JSON.parse that never throws: a truncated body, an HTML error page from a proxy, or a
 * binary body must turn into a failed check, not an iteration that dies mid-journey.
 */
export function parseJson(body: unknown): unknown {
  if (typeof body !== "string" || body.length === 0) return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

export interface Bar {
  /** Share of requests allowed to fail (network error or an unexpected status). */
  maxFailedRate: number;
  /** Share of checks that must pass. */
  minChecksRate: number;
  p95Ms?: number;
  p99Ms?: number;
  /** Stop the run as soon as the bar is crossed (stress: that point is the knee). */
  abortOnFail?: boolean;
}

function threshold(expression: string, bar: Bar): Threshold {
  // Give the run 30 s of data before an abort can fire, so one cold start does not end it.
  return bar.abortOnFail ? { threshold: expression, abortOnFail: true, delayAbortEval: "30s" } : expression;
}

/** Thresholds on p95, p99, the failed-request rate and the checks, shared by every script. */
export function thresholds(bar: Bar): NonNullable<Options["thresholds"]> {
  const p95 = bar.p95Ms ?? P95_MS;
  const p99 = bar.p99Ms ?? P99_MS;
  return {
    http_req_duration: [threshold(`p(95)<${p95}`, bar), threshold(`p(99)<${p99}`, bar)],
    http_req_failed: [threshold(`rate<=${bar.maxFailedRate}`, bar)],
    checks: [threshold(`rate>=${bar.minChecksRate}`, bar)],
  };
}

/** p(99) and count are not in k6's default summary; the thresholds and breakdowns need them. */
export const SUMMARY_TREND_STATS = ["avg", "min", "med", "max", "p(90)", "p(95)", "p(99)", "count"];
