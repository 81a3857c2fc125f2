// `generate --dirty`: what raw exports hold besides clean rows, each kind built so it
// fails exactly one ingest check, and counted, so a test can hold the ingest's
// accounting to the numbers injected here.
import type { ListedReason } from "../ingest/reasons.js";
import type { Rng } from "./random.js";

/** Per 500,000 clean rows; the real export had 1,500 exact duplicates (docs/data.md). */
export const DIRTY_RATES: Partial<Record<ListedReason, number>> = {
  duplicate: 1500,
  missing_customer_id: 120,
  missing_product_id: 80,
  missing_event: 40,
  unknown_event: 150,
  invalid_date: 60,
  invalid_id: 30,
  malformed_row: 20,
};

export const BOT_CUSTOMERS = 3;

export type DirtyKind = Exclude<ListedReason, "bot">;

export interface CleanRow {
  customer: string;
  product: string;
  event: string;
  date: string;
  name: string;
}

const UNKNOWN_EVENTS = ["view", "click", "share", "compare"];
const BAD_DATES = [
  "2022-13-01 10:00:00",
  "not a date",
  "31/12/2022 10:00",
  "2022-02-30 08:00:00",
  "2022-11-05 25:61:00",
  "",
];
const BAD_IDS = ["cust#1", "id with space", "ö123", "x".repeat(65)];

/** A dirty variant of `row` that the ingest must reject for `kind`. */
export function dirtyRow(kind: DirtyKind, row: CleanRow, rng: Rng): string[] {
  const pick = <T>(list: T[]) => list[Math.floor(rng() * list.length)];
  const { customer, product, event, date, name } = row;
  switch (kind) {
    case "duplicate":
      return [customer, product, event, date, name];
    case "missing_customer_id":
      return [pick(["", " "]), product, event, date, name];
    case "missing_product_id":
      return [customer, "", event, date, name];
    case "missing_event":
      return [customer, product, pick(["", "  "]), date, name];
    case "unknown_event":
      return [customer, product, pick(UNKNOWN_EVENTS), date, name];
    case "invalid_date":
      return [customer, product, event, pick(BAD_DATES), name];
    case "invalid_id":
      return rng() < 0.5
        ? [pick(BAD_IDS), product, event, date, name]
        : [customer, pick(BAD_IDS), event, date, name];
    case "malformed_row":
      // Too few fields (a truncated line) or one too many (an unquoted comma in the name).
      return rng() < 0.5 ? [customer, product, event] : [customer, product, event, date, name, "extra"];
  }
}

/** The clean event text as exports write it: sometimes capitalized or padded. */
export function messyEvent(event: string, rng: Rng): string {
  const roll = rng();
  if (roll < 0.01) return event.toUpperCase();
  if (roll < 0.02) return ` ${event} `;
  if (roll < 0.03) return event[0].toUpperCase() + event.slice(1);
  return event;
}

/** The header of a dirty export: odd case, stray spaces, a leading unnamed index column. */
export const DIRTY_HEADER = ["", "Customer_ID", " Product_Id ", "EVENT", "Event_Date", "Product_Name"];
export const CLEAN_HEADER = ["customer_id", "product_id", "event", "event_date", "product_name"];
