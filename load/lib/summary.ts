// handleSummary for every script: the end-of-test data as JSON (for tools and for
// comparing runs) and a short text (for people) under load/results/, and the text on
// stdout too, since exporting handleSummary replaces k6's own summary.
// Reads both summary layouts: the classic one (`metrics` object, `root_group` checks) and
// the machine-readable one k6 v1.5+ offers and v2 makes the default (`results.metrics`
// array, `results.checks.orderedChecks`). Never throws: a summary must not lose a run.
import { BASE_URL, RESULTS_DIR } from "./config.ts";

interface MetricDigest {
  values: Record<string, number>;
  thresholds: Record<string, boolean>;
}

export interface Digest {
  metrics: Record<string, MetricDigest>;
  checks: { name: string; passes: number; fails: number }[];
  durationMs?: number;
  /** The machine-readable layout's own verdict (`results.passed`), when it has one. */
  passed?: boolean;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

function metricDigest(raw: unknown): MetricDigest {
  const values: Record<string, number> = {};
  const thresholds: Record<string, boolean> = {};
  if (isObject(raw) && isObject(raw.values)) {
    for (const [k, v] of Object.entries(raw.values)) if (typeof v === "number") values[k] = v;
  }
  if (isObject(raw) && isObject(raw.thresholds)) {
    for (const [k, v] of Object.entries(raw.thresholds))
      if (isObject(v) && typeof v.ok === "boolean") thresholds[k] = v.ok;
  }
  return { values, thresholds };
}

function groupChecks(group: unknown, into: Digest["checks"]): void {
  if (!isObject(group)) return;
  for (const c of Array.isArray(group.checks) ? group.checks : []) {
    if (isObject(c) && typeof c.name === "string") {
      into.push({ name: c.name, passes: Number(c.passes) || 0, fails: Number(c.fails) || 0 });
    }
  }
  for (const g of Array.isArray(group.groups) ? group.groups : []) groupChecks(g, into);
}

export function digest(data: unknown): Digest {
  const out: Digest = { metrics: {}, checks: [] };
  if (!isObject(data)) return out;
  const results = isObject(data.results) ? data.results : undefined;
  if (isObject(data.metrics)) {
    for (const [name, m] of Object.entries(data.metrics)) out.metrics[name] = metricDigest(m);
  } else if (results && Array.isArray(results.metrics)) {
    for (const m of results.metrics)
      if (isObject(m) && typeof m.name === "string") out.metrics[m.name] = metricDigest(m);
  }
  groupChecks(data.root_group, out.checks);
  const ordered = results && isObject(results.checks) ? results.checks.orderedChecks : undefined;
  if (out.checks.length === 0 && Array.isArray(ordered)) groupChecks({ checks: ordered }, out.checks);
  if (results && typeof results.passed === "boolean") out.passed = results.passed;
  if (isObject(data.state) && typeof data.state.testRunDurationMs === "number")
    out.durationMs = data.state.testRunDurationMs;
  else if (isObject(data.config) && typeof data.config.duration === "number")
    out.durationMs = data.config.duration * 1000;
  return out;
}

const ms = (v: number | undefined) => (v === undefined ? "n/a" : `${v.toFixed(1)} ms`);
const pct = (v: number | undefined) => (v === undefined ? "n/a" : `${(v * 100).toFixed(2)}%`);

/** True when no threshold failed (a run without thresholds passes). */
export function passed(d: Digest): boolean {
  const thresholdsHeld = Object.values(d.metrics).every((m) => Object.values(m.thresholds).every(Boolean));
  return thresholdsHeld && d.passed !== false;
}

export function renderText(script: string, d: Digest, extra: string[] = [], now = new Date()): string {
  const reqs = d.metrics.http_reqs?.values;
  const latency = d.metrics.http_req_duration?.values ?? {};
  const checkTotal = d.checks.reduce((s, c) => s + c.passes + c.fails, 0);
  const checkFails = d.checks.reduce((s, c) => s + c.fails, 0);
  const limited = d.metrics.rate_limited?.values.count ?? 0;

  const lines = [
    `product-audience k6 ${script} against ${BASE_URL} at ${now.toISOString()}`,
    `duration ${d.durationMs === undefined ? "n/a" : `${(d.durationMs / 1000).toFixed(1)} s`}, ` +
      `${reqs?.count ?? 0} requests (${(reqs?.rate ?? 0).toFixed(1)}/s), ` +
      `failed ${pct(d.metrics.http_req_failed?.values.rate)}, ` +
      `checks ${checkTotal - checkFails} of ${checkTotal} passed`,
    `latency: median ${ms(latency.med)}, p95 ${ms(latency["p(95)"])}, p99 ${ms(latency["p(99)"])}, max ${ms(latency.max)}`,
  ];
  if (limited > 0) {
    lines.push(
      `rate limited: ${limited} responses were 429, the deployment's limit rather than its capacity (docs/deploy.md, "Load tests")`,
    );
  }
  lines.push(...extra, "", "thresholds:");
  for (const [name, m] of Object.entries(d.metrics)) {
    for (const [expr, ok] of Object.entries(m.thresholds)) {
      if (!TRACK_ONLY.includes(expr)) lines.push(`  ${ok ? "ok  " : "FAIL"} ${name} ${expr}`);
    }
  }
  const failing = d.checks.filter((c) => c.fails > 0);
  lines.push("", failing.length === 0 ? "checks: all passed" : "failed checks:");
  for (const c of failing) lines.push(`  FAIL ${c.name}: ${c.fails} of ${c.passes + c.fails} failed`);
  lines.push("", passed(d) ? "verdict: PASS" : "verdict: FAIL (k6 exits non-zero)");
  return `${lines.join("\n")}\n`;
}

// Thresholds that always pass: k6 only reports a tagged sub-metric in the summary when a
// threshold names it, so these make the per-step and per-phase figures appear.
const TRACK_ONLY = ["max>=0", "rate>=0"];

/** Thresholds that put latency and errors per value of `tag` into the summary. */
export function trackByTag(tag: string, values: readonly (string | number)[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const v of values) {
    out[`http_req_duration{${tag}:${v}}`] = [TRACK_ONLY[0]];
    out[`http_req_failed{${tag}:${v}}`] = [TRACK_ONLY[1]];
  }
  return out;
}

/** One line per tag value: latency and failures, in the order given. */
export function breakdown(
  d: Digest,
  tag: string,
  values: readonly (string | number)[],
  label = (v: string | number) => String(v),
): string[] {
  return values.map((v) => {
    const latency = d.metrics[`http_req_duration{${tag}:${v}}`]?.values ?? {};
    if (latency["p(95)"] === undefined || latency.count === 0) return `  ${label(v).padEnd(12)} not reached`;
    const failed = d.metrics[`http_req_failed{${tag}:${v}}`]?.values.rate;
    const count = latency.count !== undefined ? `, ${latency.count} requests` : "";
    return `  ${label(v).padEnd(12)} p95 ${ms(latency["p(95)"])}, p99 ${ms(latency["p(99)"])}, failed ${pct(failed)}${count}`;
  });
}

/** `export const handleSummary = summaryHandler("load")` in each script. */
export function summaryHandler(script: string, extra: (d: Digest) => string[] = () => []) {
  return (data: unknown): Record<string, string> => {
    const d = digest(data);
    const now = new Date();
    const text = renderText(script, d, extra(d), now);
    const stem = `${RESULTS_DIR}/${script}-${now
      .toISOString()
      .replace(/[-:]/g, "")
      .replace(/\.\d+Z$/, "Z")}`;
    return {
      stdout: text,
      [`${stem}.txt`]: text,
      [`${stem}.json`]: JSON.stringify(
        { script, base_url: BASE_URL, passed: passed(d), summary: data },
        null,
        2,
      ),
    };
  };
}
