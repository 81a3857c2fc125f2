// `audience generate`: a sample interaction log shaped like the real export (docs/data.md):
// six months, mostly one-time customers, a cart-heavy event mix, churning products,
// and names with brand, model and variant words. It also carries structure a good
// model can find: customers keep to a home brand and model family.
// With `dirty`, it adds what raw exports hold (see dirty.ts) and says how much of each.
import { UsageError } from "../errors.js";
import { emptyAccounting, type ListedReason } from "../ingest/reasons.js";
import { type Catalog, makeCatalog } from "./catalog.js";
import {
  BOT_CUSTOMERS,
  CLEAN_HEADER,
  DIRTY_HEADER,
  DIRTY_RATES,
  type DirtyKind,
  dirtyRow,
  messyEvent,
} from "./dirty.js";
import { openOutput } from "./output.js";
import { cumulativeOf, pickCumulative, type Rng, seededRandom } from "./random.js";
import { SHAPES, type Shape, type ShapeName } from "./shapes.js";
import { csvSink, type OutputFormat, parquetSink, type RowSink } from "./sinks.js";

export const PERIOD_START = Date.UTC(2022, 9, 1);
export const PERIOD_END = Date.UTC(2023, 3, 1);
export const DEFAULT_ROWS = 500_000;
/**
 * Every row is held in memory until the file is written in time order (about 100 bytes a
 * row with the catalog): 20 times the real export fits in a few GB; far more would end in
 * heap exhaustion after minutes of work instead of this one-line refusal.
 */
export const MAX_ROWS = 10_000_000;
const DAY = 86_400_000;
const PERIOD = PERIOD_END - PERIOD_START;

export interface GenerateOptions {
  rows: number;
  seed: number | string;
  out: string;
  /** csv (default) or parquet: typed columns for a clean log, text columns for a dirty one (which then has no malformed rows, a Parquet row cannot have a wrong field count). */
  format?: OutputFormat;
  /** Add duplicates, empty ids, unknown events, bad dates, bots, an odd header. */
  dirty?: boolean;
  /** A shape from shapes.ts (default: the published figures). */
  shape?: ShapeName;
  onProgress?: (rowsWritten: number) => void;
  /** Refuse more rows than this (default MAX_ROWS); the scale benchmark raises it on a machine it knows has the memory. */
  maxRows?: number;
}

export interface GenerateResult {
  /** Data rows written (clean and dirty). */
  rows: number;
  /** Customers and products of the clean rows. */
  customers: number;
  products: number;
  /** How many rows of each kind the ingest must reject (all zero unless dirty). */
  injected: Record<ListedReason, number>;
}

// Interactions per customer: see shapes.ts (the default shape holds the real export's
// 88.78% one-time, 11.07% with 2..5, 0.15% above).
const EVENTS = ["cart", "purchased", "wishlist", "search_keyword", "rating"] as const;
// Slightly fewer purchases than the real export's 33.30%: returning customers buy what they
// looked at before (below), which brings the total back to the published mix.
const EVENT_MIX = cumulativeOf([0.6245, 0.317, 0.0458, 0.0065, 0.0063]);
/** Share of returning customers whose visits spread over months, not days. */
const LONG_GAP = 0.49;

function activityCount(activity: Float64Array, rng: Rng): number {
  const bucket = pickCumulative(activity, rng);
  if (bucket < 5) return bucket + 1;
  return 6 + Math.floor(-Math.log(1 - rng()) * 4);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

export function formatTimestamp(ms: number): string {
  const d = new Date(ms);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  );
}

/** Gaps between a customer's visits (ms): mostly days, for some customers months. */
function visitGaps(k: number, rng: Rng): number[] {
  const long = rng() < LONG_GAP;
  const gaps: number[] = [];
  let span = 0;
  for (let i = 1; i < k; i++) {
    const days = long ? 20 + rng() * 100 : -Math.log(1 - rng()) * 2.5;
    gaps.push(days * DAY);
    span += days * DAY;
  }
  // Squeeze the rare customer whose visits would not fit in the period.
  const room = PERIOD * 0.95;
  return span > room ? gaps.map((g) => (g * room) / span) : gaps;
}

function pickProduct(
  catalog: Catalog,
  brand: number,
  family: number,
  t: number,
  rng: Rng,
  shape: Shape,
): number {
  const roll = rng();
  if (roll < shape.inFamily) return catalog.pickInFamily(brand, family, t, rng);
  if (roll < shape.inBrand) return catalog.pickInBrand(brand, t, rng);
  return catalog.pickAnywhere(t, rng);
}

export const MIN_DIRTY_ROWS = 100;

/** Bots make 1,000+ rows each, so small files get fewer (none below 5,000 rows). */
function botCount(total: number): number {
  return total < 5000 ? 0 : Math.min(BOT_CUSTOMERS, Math.max(1, Math.round(total / 200_000)));
}

/** Dirty rows to inject for `clean` clean rows, kind by kind, in a shuffled order. */
function dirtyPlan(clean: number, rng: Rng): DirtyKind[] {
  const kinds: DirtyKind[] = [];
  for (const [kind, per500k] of Object.entries(DIRTY_RATES) as [DirtyKind, number][]) {
    const n = Math.max(1, Math.round((per500k * clean) / 500_000));
    for (let i = 0; i < n; i++) kinds.push(kind);
  }
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j], kinds[i]];
  }
  return kinds;
}

export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  const total = Math.max(0, Math.floor(options.rows));
  const dirty = options.dirty === true;
  const maxRows = options.maxRows ?? MAX_ROWS;
  if (total > maxRows)
    throw new UsageError(
      `--rows ${total} is more than this generator makes (at most ${maxRows.toLocaleString("en-US")}): write several files with different --seed values instead`,
    );
  // A dirty file of `total` rows: the clean rows plus the injected ones add up to it.
  if (dirty && total < MIN_DIRTY_ROWS)
    throw new UsageError(`--dirty needs --rows of at least ${MIN_DIRTY_ROWS}`);
  const header = dirty ? DIRTY_HEADER : CLEAN_HEADER;
  const out: RowSink =
    options.format === "parquet"
      ? await parquetSink(options.out, header, !dirty)
      : csvSink(await openOutput(options.out), header);
  try {
    const result = await generateInto(out, options, total, dirty);
    await out.end();
    return result;
  } catch (err) {
    await out.abandon();
    throw err;
  }
}

async function generateInto(
  out: RowSink,
  options: GenerateOptions,
  total: number,
  dirty: boolean,
): Promise<GenerateResult> {
  const rng = seededRandom(options.seed);
  const shape: Shape = SHAPES[options.shape ?? "default"];
  const injected = emptyAccounting().rejected;
  const botRows = Array.from({ length: dirty ? botCount(total) : 0 }, () => 1001 + Math.floor(rng() * 800));
  const botTotal = botRows.reduce((a, b) => a + b, 0);
  const plan = dirty ? dirtyPlan(total, rng) : [];
  const clean = Math.max(1, total - plan.length - botTotal);
  const catalog = makeCatalog(
    Math.max(50, Math.round(clean * shape.productsPerRow)),
    PERIOD_START,
    PERIOD_END,
    rng,
  );

  const customerOf = new Int32Array(clean);
  const productOf = new Int32Array(clean);
  const eventOf = new Uint8Array(clean);
  const timeOf = new Float64Array(clean);
  let rows = 0;
  let customers = 0;
  while (rows < clean) {
    const c = customers++;
    const k = Math.min(activityCount(shape.activity, rng), clean - rows);
    const brand = catalog.pickBrand(rng);
    const family = Math.floor(rng() * catalog.familiesPerBrand);
    const gaps = visitGaps(k, rng);
    const span = gaps.reduce((a, b) => a + b, 0);
    let t = PERIOD_START + rng() * (PERIOD - span - k * 1000);
    let last = -1;
    let previous = -1;
    for (let i = 0; i < k; i++) {
      if (i > 0) t += gaps[i - 1];
      // Whole seconds, strictly increasing per customer: a clean log has no duplicates.
      const second = Math.max(Math.floor(t / 1000) * 1000, previous + 1000);
      // A returning customer often comes back to the product they just looked at.
      const p = last >= 0 && rng() < 0.3 ? last : pickProduct(catalog, brand, family, second, rng, shape);
      customerOf[rows] = c;
      productOf[rows] = p;
      eventOf[rows] = last === p && rng() < 0.6 ? 1 : pickCumulative(EVENT_MIX, rng);
      timeOf[rows] = second;
      last = p;
      previous = second;
      rows++;
    }
  }

  const customerIds = catalog.distinctIds(customers + BOT_CUSTOMERS, 1000, rng);
  const order = timeOrder(timeOf);

  // Dirty rows go after randomly chosen clean rows; bot rows after the clean rows of
  // their day, so the file stays roughly in time order as exports are.
  const dirtyAfter = plan.map(() => Math.floor(rng() * clean)).sort((a, b) => a - b);
  const bots = botRows.map((n, b) => botVisits(customerIds[customers + b], n, catalog, rng));
  let written = 0;
  const emit = (fields: string[]): boolean => {
    if (!out.row(dirty ? [String(written), ...fields] : fields)) return false;
    written++;
    return true;
  };
  const usedProducts = new Uint8Array(catalog.ids.length);
  let usedCount = 0;
  let d = 0;
  let botNext = 0;
  for (let i = 0; i < clean; i++) {
    const r = order[i];
    const p = productOf[r];
    if (!usedProducts[p]) usedCount += usedProducts[p] = 1;
    const row = {
      customer: String(customerIds[customerOf[r]]),
      product: String(catalog.ids[p]),
      event: EVENTS[eventOf[r]],
      date: formatTimestamp(timeOf[r]),
      name: catalog.names[p],
    };
    emit([row.customer, row.product, dirty ? messyEvent(row.event, rng) : row.event, row.date, row.name]);
    while (d < plan.length && dirtyAfter[d] === i) {
      if (emit(dirtyRow(plan[d], row, rng))) injected[plan[d]]++;
      d++;
    }
    while (botNext < bots.length && bots[botNext].time <= timeOf[r]) {
      for (const fields of bots[botNext].rows) emit(fields);
      injected.bot += bots[botNext].rows.length;
      botNext++;
    }
    if ((i & 0xfff) === 0) {
      await out.flush();
      options.onProgress?.(written);
    }
  }
  for (; botNext < bots.length; botNext++) {
    for (const fields of bots[botNext].rows) emit(fields);
    injected.bot += bots[botNext].rows.length;
  }
  options.onProgress?.(written);
  return { rows: written, customers, products: usedCount, injected };
}

/** Row indices by time: one native sort of (time, index) packed into a float. */
function timeOrder(time: Float64Array): Int32Array {
  const n = time.length;
  const slots = 2 ** Math.ceil(Math.log2(n + 1));
  const keys = new Float64Array(n);
  // Seconds since the period start (< 2^24) times a power of two above n stays exact.
  for (let i = 0; i < n; i++) keys[i] = ((time[i] - PERIOD_START) / 1000) * slots + i;
  keys.sort();
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = keys[i] % slots;
  return order;
}

/** A bot: `n` interactions (more than the default 1,000 a day) within one UTC day. */
function botVisits(id: number, n: number, catalog: Catalog, rng: Rng): { time: number; rows: string[][] } {
  const day = PERIOD_START + Math.floor(rng() * (PERIOD / DAY - 1)) * DAY;
  const seconds = new Set<number>();
  while (seconds.size < n) seconds.add(Math.floor(rng() * 86_400));
  const rows = [...seconds]
    .sort((a, b) => a - b)
    .map((s) => {
      const p = catalog.pickAnywhere(day + s * 1000, rng);
      return [
        String(id),
        String(catalog.ids[p]),
        EVENTS[pickCumulative(EVENT_MIX, rng)],
        formatTimestamp(day + s * 1000),
        catalog.names[p],
      ];
    });
  return { time: day + 86_399_000, rows };
}
