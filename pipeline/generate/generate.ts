// `audience generate`: a sample interaction log shaped like the real export (DATA.md):
// six months, mostly one-time customers, a cart-heavy event mix, churning products,
// and names with brand, model and variant words. It also carries structure a good
// model can find: customers keep to a home brand and model family.
import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { cumulativeOf, pickCumulative, seededRandom, type Rng } from "./random.js";
import { makeCatalog, type Catalog } from "./catalog.js";

export const PERIOD_START = Date.UTC(2022, 9, 1);
export const PERIOD_END = Date.UTC(2023, 3, 1);
const DAY = 86_400_000;

export interface GenerateOptions {
  rows: number;
  seed: number | string;
  out: string;
  onProgress?: (rowsWritten: number) => void;
}

export interface GenerateResult {
  rows: number;
  customers: number;
  products: number;
}

// Interactions per customer: DATA.md's 88.78% one-time, 11.07% with 2..5, 0.15% above.
const ACTIVITY = cumulativeOf([0.8878, 0.0775, 0.02, 0.0089, 0.0043, 0.0015]);
const EVENTS = ["cart", "purchased", "wishlist", "search_keyword", "rating"] as const;
const EVENT_MIX = cumulativeOf([0.6099, 0.333, 0.0445, 0.0064, 0.0062]);

function activityCount(rng: Rng): number {
  const bucket = pickCumulative(ACTIVITY, rng);
  if (bucket < 5) return bucket + 1;
  return 6 + Math.floor(-Math.log(1 - rng()) * 8);
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

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Next interaction time for a returning customer: mostly days later, sometimes months. */
function nextTime(previous: number, rng: Rng): number {
  const gapDays = rng() < 0.1 ? rng() * 120 : -Math.log(1 - rng()) * 2.5;
  const t = previous + gapDays * DAY;
  return t < PERIOD_END ? t : previous + rng() * (PERIOD_END - previous);
}

function pickProduct(catalog: Catalog, brand: number, family: number, t: number, rng: Rng): number {
  const roll = rng();
  if (roll < 0.5) return catalog.pickInFamily(brand, family, t, rng);
  if (roll < 0.8) return catalog.pickInBrand(brand, t, rng);
  return catalog.pickAnywhere(t, rng);
}

export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  const rng = seededRandom(options.seed);
  const total = Math.max(0, Math.floor(options.rows));
  const catalog = makeCatalog(Math.max(50, Math.round(total * 0.55)), PERIOD_START, PERIOD_END, rng);

  const customerOf = new Int32Array(total);
  const productOf = new Int32Array(total);
  const eventOf = new Uint8Array(total);
  const timeOf = new Float64Array(total);
  let rows = 0;
  let customers = 0;
  while (rows < total) {
    const c = customers++;
    const k = Math.min(activityCount(rng), total - rows);
    const brand = catalog.pickBrand(rng);
    const family = Math.floor(rng() * catalog.familiesPerBrand);
    let t = PERIOD_START + rng() * (PERIOD_END - PERIOD_START);
    let last = -1;
    for (let i = 0; i < k; i++) {
      if (i > 0) t = nextTime(t, rng);
      // A returning customer often comes back to the product they just looked at.
      const p = last >= 0 && rng() < 0.3 ? last : pickProduct(catalog, brand, family, t, rng);
      customerOf[rows] = c;
      productOf[rows] = p;
      eventOf[rows] = last === p && rng() < 0.6 ? 1 : pickCumulative(EVENT_MIX, rng);
      timeOf[rows] = Math.floor(t / 1000) * 1000;
      last = p;
      rows++;
    }
  }

  const customerIds = catalog.distinctIds(customers, 1000, rng);
  const order = new Int32Array(rows);
  for (let i = 0; i < rows; i++) order[i] = i;
  order.sort((a, b) => timeOf[a] - timeOf[b] || a - b);

  await mkdir(dirname(options.out), { recursive: true });
  const out = createWriteStream(options.out);
  const write = (text: string) =>
    out.write(text) ? Promise.resolve() : new Promise<void>((resolve) => out.once("drain", () => resolve()));
  await write("customer_id,product_id,event,event_date,product_name\n");
  const usedProducts = new Set<number>();
  let chunk = "";
  for (let i = 0; i < rows; i++) {
    const r = order[i];
    usedProducts.add(productOf[r]);
    chunk +=
      `${customerIds[customerOf[r]]},${catalog.ids[productOf[r]]},${EVENTS[eventOf[r]]},` +
      `${formatTimestamp(timeOf[r])},${csvField(catalog.names[productOf[r]])}\n`;
    if (chunk.length > 1 << 16) {
      await write(chunk);
      chunk = "";
      options.onProgress?.(i + 1);
    }
  }
  await write(chunk);
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  options.onProgress?.(rows);
  return { rows, customers, products: usedProducts.size };
}
