// The generator's product catalog: brands (Zipf-popular), model families, products
// that launch throughout the period, and names built from brand, model and variant.
import { cumulativeOf, pickCumulative, type Rng } from "./random.js";

const SYLLABLES = [
  "ka",
  "lo",
  "vi",
  "ra",
  "ne",
  "to",
  "su",
  "mi",
  "da",
  "zen",
  "or",
  "el",
  "qu",
  "ax",
  "is",
  "po",
  "ly",
  "tek",
  "mar",
  "fi",
];
const VARIANTS = [
  "Black",
  "White",
  "Silver",
  "Blue",
  "Red",
  "Green",
  "64GB",
  "128GB",
  "256GB",
  "Pro",
  "Max",
  "Lite",
  "XL",
  "Mini",
  "2-Pack",
];

function word(rng: Rng, syllables: number): string {
  let w = "";
  for (let i = 0; i < syllables; i++) w += SYLLABLES[Math.floor(rng() * SYLLABLES.length)];
  return w[0].toUpperCase() + w.slice(1);
}

/** Products of one group, in launch order, for "launched by time t" look-ups. */
interface Group {
  products: number[];
  launches: number[];
}

function launchedCount(group: Group, t: number): number {
  let lo = 0,
    hi = group.launches.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (group.launches[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Recent launches draw more traffic, which is what makes products churn. */
function pickRecent(group: Group, t: number, rng: Rng): number {
  const n = launchedCount(group, t);
  if (n === 0) return -1;
  return group.products[n - 1 - Math.floor(n * rng() ** 5)];
}

export interface Catalog {
  ids: number[];
  names: string[];
  familiesPerBrand: number;
  pickBrand(rng: Rng): number;
  pickInFamily(brand: number, family: number, t: number, rng: Rng): number;
  pickInBrand(brand: number, t: number, rng: Rng): number;
  pickAnywhere(t: number, rng: Rng): number;
  distinctIds(count: number, base: number, rng: Rng): number[];
}

/** `count` distinct integers above `base`, increasing, with random gaps. */
function distinctIds(count: number, base: number, rng: Rng): number[] {
  const ids = new Array<number>(count);
  let next = base;
  for (let i = 0; i < count; i++) {
    next += 1 + Math.floor(rng() * 6);
    ids[i] = next;
  }
  // Shuffle so id order says nothing about time or popularity.
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [ids[i], ids[j]] = [ids[j], ids[i]];
  }
  return ids;
}

export function makeCatalog(productCount: number, start: number, end: number, rng: Rng): Catalog {
  const brandCount = Math.min(400, Math.max(10, Math.round(productCount / 1000)));
  const familiesPerBrand = 6;
  const brandNames = Array.from({ length: brandCount }, () => word(rng, 2 + Math.floor(rng() * 2)));
  const familyNames = Array.from({ length: brandCount * familiesPerBrand }, () => word(rng, 2));
  const brandWeights = cumulativeOf(Array.from({ length: brandCount }, (_, b) => 1 / (b + 1)));

  const ids = distinctIds(productCount, 100_000, rng);
  const names = new Array<string>(productCount);
  const launches = new Float64Array(productCount);
  const brandOf = new Int32Array(productCount);
  const familyOf = new Int32Array(productCount);
  for (let p = 0; p < productCount; p++) {
    const b = pickCumulative(brandWeights, rng);
    const f = Math.floor(rng() * familiesPerBrand);
    brandOf[p] = b;
    familyOf[p] = f;
    // A tenth of the catalog exists before the period; the rest launches during it.
    launches[p] = rng() < 0.1 ? start - 1 : start + rng() * (end - start);
    const model = 1 + Math.floor(rng() * 99);
    names[p] =
      `${brandNames[b]} ${familyNames[b * familiesPerBrand + f]} ${model} ${VARIANTS[Math.floor(rng() * VARIANTS.length)]}`;
  }
  const order = Array.from({ length: productCount }, (_, p) => p).sort(
    (a, b) => launches[a] - launches[b] || a - b,
  );
  const all: Group = { products: [], launches: [] };
  const brands: Group[] = Array.from({ length: brandCount }, () => ({ products: [], launches: [] }));
  const families: Group[] = Array.from({ length: brandCount * familiesPerBrand }, () => ({
    products: [],
    launches: [],
  }));
  for (const p of order) {
    for (const g of [all, brands[brandOf[p]], families[brandOf[p] * familiesPerBrand + familyOf[p]]]) {
      g.products.push(p);
      g.launches.push(launches[p]);
    }
  }
  const anywhere = (t: number, r: Rng) => {
    const p = pickRecent(all, t, r);
    return p >= 0 ? p : all.products[0];
  };
  const inBrand = (b: number, t: number, r: Rng) => {
    const p = pickRecent(brands[b], t, r);
    return p >= 0 ? p : anywhere(t, r);
  };
  return {
    ids,
    names,
    familiesPerBrand,
    pickBrand: (r) => pickCumulative(brandWeights, r),
    pickInFamily: (b, f, t, r) => {
      const p = pickRecent(families[b * familiesPerBrand + f], t, r);
      return p >= 0 ? p : inBrand(b, t, r);
    },
    pickInBrand: inBrand,
    pickAnywhere: anywhere,
    distinctIds,
  };
}
