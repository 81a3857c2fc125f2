// `publish --dry-run`: what a publish would send and what it would cost, from the build
// alone (after validating it). Nothing is written anywhere.
import type { Manifest } from "../serialize/manifest.js";
import type { CheckedPart } from "./validate.js";

/** Workers KV: $5.00 per million writes (deletes are billed the same; list $5.00/M too). */
const USD_PER_MILLION_WRITES = 5;

export interface DryRunPlan {
  version: string;
  parts: number;
  partsToSend: number;
  /** Writes: the keys still to send plus the pointer. */
  writes: number;
  /** Request bodies, as on the wire. */
  bytes: number;
  /** Bulk writes + the pointer write; read-backs are listed apart. */
  writeRequests: number;
  readRequests: number;
  costUsd: number;
}

export function planDryRun(
  manifest: Manifest,
  parts: CheckedPart[],
  confirmed: (p: CheckedPart) => boolean,
): DryRunPlan {
  const toSend = parts.filter((p) => !confirmed(p));
  const writes = toSend.reduce((n, p) => n + p.pairs, 0) + 1;
  return {
    version: manifest.version,
    parts: parts.length,
    partsToSend: toSend.length,
    writes,
    bytes: toSend.reduce((n, p) => n + p.bytes, 0),
    writeRequests: toSend.length + 1,
    // The pointer twice, then up to two keys per part (first, last).
    readRequests: 2 + Math.min(200, toSend.length * 2) + (parts.length - toSend.length) * 2,
    costUsd: (writes / 1_000_000) * USD_PER_MILLION_WRITES,
  };
}

export function formatDryRun(plan: DryRunPlan, targetName: string): string {
  const n = (x: number) => x.toLocaleString("en-US");
  const mb = (plan.bytes / 1_000_000).toFixed(plan.bytes < 10_000_000 ? 2 : 1);
  const skipped = plan.parts - plan.partsToSend;
  return [
    `dry run: would publish ${plan.version} to ${targetName}`,
    `  keys:     ${n(plan.writes)} writes (${n(plan.writes - 1)} versioned keys + meta/current)` +
      (skipped ? `, ${skipped} of ${plan.parts} part(s) already confirmed (skipped)` : ""),
    `  bytes:    ${mb} MB`,
    `  requests: ${n(plan.writeRequests)} bulk write(s) + about ${n(plan.readRequests)} read(s)`,
    `  cost:     $${plan.costUsd.toFixed(plan.costUsd < 1 ? 4 : 2)} at $${USD_PER_MILLION_WRITES} per million writes (old-version deletes are billed on top)`,
    "nothing was written",
  ].join("\n");
}
