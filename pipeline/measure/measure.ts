// `audience measure`: did the campaign cause conversions? Reads the campaign as served and a
// later interaction log (the same ingest and row accounting as every command), finds which
// campaign customers converted, and compares the targeted group with the holdout group.
import { isValidId } from "../../worker/contract.js";
import type { Config } from "../config.js";
import { UsageError } from "../errors.js";
import { parseEventDate } from "../ingest/dates.js";
import { ingest } from "../ingest/ingest.js";
import type { Accounting } from "../ingest/reasons.js";
import type { CampaignFile } from "./campaign-file.js";
import { type Effect, effect, group } from "./uplift.js";

export type EventChoice = "purchased" | "any";

export interface MeasureOptions {
  config: Config;
  /** Campaign products; default: the distinct product ids of the campaign file. */
  products?: string[];
  /** Inclusive bounds, ISO 8601 (as the ingest reads dates). */
  since?: string;
  until?: string;
  event: EventChoice;
  rejectedPath?: string;
  onProgress?: (rows: number) => void;
}

/** measure.json, exactly as the contract has it. */
export interface MeasureResult {
  campaign_customers: number;
  targeted: Effect["targeted"];
  holdout: Effect["holdout"];
  lift: number | null;
  uplift: number | null;
  ci95: [number, number] | null;
  significant: boolean;
  window: { since: string; until: string };
  ingest: Accounting;
}

function instant(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseEventDate(text);
  if (Number.isNaN(ms)) throw new UsageError(`${name} must be an ISO 8601 date or date-time, got "${text}"`);
  return ms;
}

export function campaignProducts(file: CampaignFile, products: string[] | undefined): string[] {
  if (products !== undefined) {
    const bad = products.filter((p) => !isValidId(p));
    if (products.length === 0 || bad.length > 0)
      throw new UsageError(`--products must be comma-separated product ids, got "${products.join(",")}"`);
    return [...new Set(products)];
  }
  if (file.products.length === 0)
    throw new UsageError(
      "the campaign file names no products (a fallback audience has none): give them with --products",
    );
  return file.products;
}

export async function measure(
  file: CampaignFile,
  logs: string[],
  options: MeasureOptions,
): Promise<MeasureResult> {
  const products = campaignProducts(file, options.products);
  const since = instant("--since", options.since);
  const until = instant("--until", options.until);
  if (since !== undefined && until !== undefined && since > until)
    throw new UsageError(`--since (${options.since}) is after --until (${options.until})`);
  const known = Object.keys(options.config.eventWeights).map((e) => e.trim().toLowerCase());
  if (options.event === "purchased" && !known.includes("purchased"))
    throw new UsageError('the config has no "purchased" event: use --event any');

  const data = await ingest(logs, {
    config: options.config,
    rejectedPath: options.rejectedPath,
    onProgress: options.onProgress,
  });
  if (data.count === 0)
    throw new UsageError(
      `the log has no usable rows (${data.accounting.rows_read} read, every one rejected): nothing to measure`,
    );

  const productSet = new Set(products);
  const productHit = Uint8Array.from(data.products, (p) => (productSet.has(p) ? 1 : 0));
  const eventHit = Uint8Array.from(data.events, (e) =>
    options.event === "any" || e.trim().toLowerCase() === "purchased" ? 1 : 0,
  );
  // Per customer of the log: -1 not in the campaign, 0 targeted, 1 held out.
  const groupOf = Int8Array.from(data.customers, (c) => {
    const held = file.customers.get(c);
    return held === undefined ? -1 : held ? 1 : 0;
  });
  let first = Infinity;
  let last = -Infinity;
  for (let i = 0; i < data.count; i++) {
    const t = data.time[i];
    if (t < first) first = t;
    if (t > last) last = t;
  }
  const from = since ?? first;
  const to = until ?? last;
  // A customer converts once, however many matching rows they have (the ingest has
  // already rejected duplicate rows).
  const converted = new Uint8Array(data.customers.length);
  for (let i = 0; i < data.count; i++) {
    const c = data.customer[i];
    if (groupOf[c] < 0 || !productHit[data.product[i]] || !eventHit[data.event[i]]) continue;
    const t = data.time[i];
    if (t >= from && t <= to) converted[c] = 1;
  }
  let heldOut = 0;
  for (const held of file.customers.values()) if (held) heldOut++;
  let convertedTargeted = 0;
  let convertedHeld = 0;
  for (let c = 0; c < converted.length; c++) {
    if (!converted[c]) continue;
    if (groupOf[c] === 1) convertedHeld++;
    else convertedTargeted++;
  }
  const e = effect(group(file.customers.size - heldOut, convertedTargeted), group(heldOut, convertedHeld));
  return {
    campaign_customers: file.customers.size,
    targeted: e.targeted,
    holdout: e.holdout,
    lift: e.lift,
    uplift: e.uplift,
    ci95: e.ci95,
    significant: e.significant,
    window: { since: new Date(from).toISOString(), until: new Date(to).toISOString() },
    ingest: data.accounting,
  };
}
