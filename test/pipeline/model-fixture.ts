// Hand-made interaction logs for the model tests: rows in, the ingest's typed-array
// structure out, without going through CSV.
import { type Config, defaultConfig, parseConfig } from "../../pipeline/config.js";
import type { Interactions } from "../../pipeline/ingest/ingest.js";
import { emptyAccounting } from "../../pipeline/ingest/reasons.js";

/** [customer, product, event, ISO date, product name?] */
export type Row = [string, string, string, string, string?];

export function interactions(rows: Row[], config: Config = defaultConfig()): Interactions {
  const events = Object.keys(config.eventWeights);
  const customers: string[] = [];
  const products: string[] = [];
  const productNames: string[] = [];
  const latestNames: (string | null)[] = [];
  const nameTime = new Map<number, number>();
  const cIndex = new Map<string, number>();
  const pIndex = new Map<string, number>();
  const n = rows.length;
  const data: Interactions = {
    files: [],
    customers,
    products,
    productNames,
    latestNames,
    events,
    eventWeights: Float64Array.from(events.map((e) => config.eventWeights[e])),
    count: n,
    customer: new Int32Array(n),
    product: new Int32Array(n),
    event: new Uint8Array(n),
    time: new Float64Array(n),
    accounting: { ...emptyAccounting(), rows_read: n, rows_kept: n },
  };
  rows.forEach(([c, p, e, date, name], r) => {
    if (!cIndex.has(c)) cIndex.set(c, customers.push(c) - 1);
    if (!pIndex.has(p)) {
      pIndex.set(p, products.push(p) - 1);
      productNames.push(name ?? "");
      latestNames.push(null);
    }
    // The latest named row gives the served name (a later row on a tie), as the ingest does.
    const t = Date.parse(date);
    const pi = pIndex.get(p)!;
    if (name && t >= (nameTime.get(pi) ?? -Infinity)) {
      nameTime.set(pi, t);
      latestNames[pi] = name;
    }
    const ev = events.indexOf(e);
    if (ev < 0) throw new Error(`unknown event in fixture: ${e}`);
    data.customer[r] = cIndex.get(c)!;
    data.product[r] = pIndex.get(p)!;
    data.event[r] = ev;
    data.time[r] = Date.parse(date);
  });
  return data;
}

/**
 * The default config with the exposure cap off and the engagement score as the customer
 * score unless asked for: the hand-worked cases are about ranking itself (a 5% cap on a log
 * of a few products would allow one audience each), and their orders are worked out from
 * the engagement formula (a BG/NBD fit on a handful of customers is not worked by hand);
 * the cap and BG/NBD have their own cases.
 */
export function config(overrides: Record<string, unknown> = {}): Config {
  return parseConfig({ exposureCap: 0, customerModel: "engagement", ...overrides });
}

/** Customer ids of an audience, best first. */
/** Ids of customer indices, from the log's numbering or a ranking's own (Ranking.customerIds). */
export function idsOf(source: Pick<Interactions, "customers"> | string[], customers: Int32Array): string[] {
  const ids = Array.isArray(source) ? source : source.customers;
  return Array.from(customers, (c) => ids[c]);
}

/**
 * A: three purchases of three products on three days; C: two carts of one product on one
 * day; B: one cart. Engagement worked out by hand in model-engagement.test.ts: A > C > B.
 */
export const THREE_CUSTOMERS: Row[] = [
  ["A", "p1", "purchased", "2022-10-01T10:00:00Z"],
  ["A", "p2", "purchased", "2022-10-02T10:00:00Z"],
  ["A", "p3", "purchased", "2022-10-03T10:00:00Z"],
  ["B", "p4", "cart", "2022-10-03T11:00:00Z"],
  ["C", "p1", "cart", "2022-10-03T08:00:00Z"],
  ["C", "p1", "cart", "2022-10-03T09:00:00Z"],
];
