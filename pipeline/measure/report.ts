// The measurement in plain words: what converted, what the difference means, and when the
// groups are too small to tell, how big an effect they could have shown.
import { REJECT_REASONS, totalRejected } from "../ingest/reasons.js";
import { formatCount } from "../progress.js";
import type { MeasureResult } from "./measure.js";
import { minimumDetectableUplift } from "./uplift.js";

const pct = (rate: number) => `${(rate * 100).toFixed(2)}%`;
const points = (d: number) => `${d >= 0 ? "+" : "−"}${Math.abs(d * 100).toFixed(2)} points`;

export function measureReport(r: MeasureResult, products: number, event: string): string {
  const lines: string[] = [];
  const a = r.ingest;
  const reasons = REJECT_REASONS.filter((k) => a.rejected[k] > 0).map(
    (k) => `${k} ${formatCount(a.rejected[k])}`,
  );
  lines.push(
    `campaign: ${formatCount(r.campaign_customers)} customers (${formatCount(r.targeted.customers)} targeted, ${formatCount(r.holdout.customers)} held out), ${products} product${products === 1 ? "" : "s"}`,
    `log: ${formatCount(a.rows_read)} rows read: ${formatCount(a.rows_kept)} kept, ${formatCount(totalRejected(a))} rejected${reasons.length ? ` (${reasons.join(", ")})` : ""}`,
    `counting ${event === "any" ? "any known event" : "purchases"} of a campaign product from ${r.window.since} to ${r.window.until}`,
  );
  const groupLine = (name: string, g: MeasureResult["targeted"]) =>
    `${name}: ${formatCount(g.converted)} of ${formatCount(g.customers)} converted${g.rate === null ? "" : ` (${pct(g.rate)})`}`;
  lines.push(groupLine("targeted", r.targeted), groupLine("holdout ", r.holdout));

  if (r.uplift === null || r.ci95 === null) {
    lines.push(
      r.holdout.customers === 0
        ? "no holdout group: without one there is nothing to compare with, so the campaign's effect cannot be measured (serve the audience with holdout_pct above 0)."
        : "no targeted customers: every customer was held out, so there is nothing to measure.",
    );
    return `${lines.join("\n")}\n`;
  }
  const [lo, hi] = r.ci95;
  lines.push(
    `uplift: ${points(r.uplift)} (95% interval ${points(lo)} to ${points(hi)})` +
      (r.lift === null
        ? "; lift: none (no holdout customer converted)"
        : `; lift: ${r.lift >= 0 ? "+" : "−"}${Math.abs(r.lift * 100).toFixed(1)}%`),
  );
  if (r.significant && r.uplift > 0) {
    lines.push(
      `significant: targeted customers converted more than held-out ones, by ${points(lo).slice(1)} to ${points(hi).slice(1)} with 95% confidence. The groups differ only in being targeted, so the campaign most likely caused that difference.`,
    );
  } else if (r.significant) {
    lines.push(
      "significant, and negative: targeted customers converted less than held-out ones. The campaign most likely hurt conversions; look at what it sent.",
    );
  } else {
    const mde = minimumDetectableUplift(r.targeted, r.holdout);
    lines.push(
      "not significant: the interval includes 0, so this difference could be chance; it is no evidence that the campaign worked, nor that it did not.",
      mde === null
        ? "too small to tell: nobody converted in either group, so there is no rate to size an effect against."
        : `at these group sizes only an uplift of about ${points(mde).slice(1)} or more would likely show (95% confidence, 80% power); a smaller effect needs larger groups or a longer window.`,
    );
  }
  return `${lines.join("\n")}\n`;
}
