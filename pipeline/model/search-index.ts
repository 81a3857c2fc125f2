// The name search index (worker/contract-readable.ts): every product under each 1..3
// character prefix of each of its name's search words, and under its own id read as a
// query; prefixes hashed into buckets, one KV value per bucket, so any query is answered
// from the one bucket of its longest word's prefix.
import {
  type IdType,
  keys,
  prefixOf,
  type SearchBucket,
  searchBuckets,
  searchRoute,
  searchWords,
} from "../../worker/contract.js";
import { compareIds } from "./ids.js";

export interface SearchIndexInput {
  version: string;
  idType: IdType;
  productIds: string[];
  names: (string | null)[];
  /** Distinct customers per product. */
  customers: Int32Array;
}

/** Distinct customers of each product (0..products-1) over the rows. */
export function distinctCustomers(
  product: Int32Array,
  customer: Int32Array,
  count: number,
  products: number,
): Int32Array {
  // One sort of (product, customer) pairs packed in a double: exact below 2^53.
  let customersTotal = 1;
  for (let r = 0; r < count; r++) customersTotal = Math.max(customersTotal, customer[r] + 1);
  const pairs = new Float64Array(count);
  for (let r = 0; r < count; r++) pairs[r] = product[r] * customersTotal + customer[r];
  pairs.sort();
  const out = new Int32Array(products);
  for (let i = 0; i < count; i++)
    if (i === 0 || pairs[i] !== pairs[i - 1]) out[Math.floor(pairs[i] / customersTotal)]++;
  return out;
}

/** Every prefix (1..SEARCH_PREFIX_CHARS characters) of the name's words, each once. */
function prefixesOf(words: string[]): Set<string> {
  const out = new Set<string>();
  for (const w of words) {
    const chars = Array.from(prefixOf(w));
    for (let k = 1; k <= chars.length; k++) out.add(chars.slice(0, k).join(""));
  }
  return out;
}

/** The index's KV pairs: one per bucket, searchBuckets(products) of them (a bucket may be empty). */
export function searchIndexPairs(input: SearchIndexInput): { key: string; value: string }[] {
  const { productIds, names, customers, idType } = input;
  const P = productIds.length;
  const buckets = searchBuckets(P);
  // Answer order: most customers, then by id.
  const order = Array.from({ length: P }, (_, p) => p).sort(
    (a, b) => customers[b] - customers[a] || compareIds(productIds[a], productIds[b]),
  );
  const byBucket = new Map<number, { prefixes: Map<string, number[]>; ids: Map<string, number> }>();
  const bucketOf = (b: number) => {
    let entry = byBucket.get(b);
    if (!entry) byBucket.set(b, (entry = { prefixes: new Map(), ids: new Map() }));
    return entry;
  };
  for (let rank = 0; rank < P; rank++) {
    const p = order[rank];
    for (const prefix of prefixesOf(searchWords(names[p] ?? ""))) {
      const route = searchRoute([prefix], buckets)!;
      const list = bucketOf(route.bucket).prefixes;
      const ranks = list.get(prefix);
      if (ranks) ranks.push(rank);
      else list.set(prefix, [rank]);
    }
    const idRoute = searchRoute(searchWords(productIds[p]), buckets);
    if (idRoute) bucketOf(idRoute.bucket).ids.set(productIds[p], rank);
  }
  const pairs: { key: string; value: string }[] = [];
  for (let b = 0; b < buckets; b++) {
    const { prefixes, ids } = bucketOf(b);
    // Each bucket numbers its own products, in answer order.
    const ranks = new Set<number>();
    for (const list of prefixes.values()) for (const r of list) ranks.add(r);
    for (const r of ids.values()) ranks.add(r);
    const sorted = [...ranks].sort((x, y) => x - y);
    const local = new Map(sorted.map((r, i) => [r, i]));
    const value: SearchBucket = {
      products: sorted.map((r) => {
        const p = order[r];
        return [idType === "number" ? Number(productIds[p]) : productIds[p], names[p] ?? null, customers[p]];
      }),
      prefixes: Object.fromEntries(
        [...prefixes].map(([prefix, list]) => [prefix, list.map((r) => local.get(r)!)]),
      ),
      ids: Object.fromEntries([...ids].map(([id, r]) => [id, local.get(r)!])),
    };
    pairs.push({ key: keys.search(input.version, b), value: JSON.stringify(value) });
  }
  return pairs;
}
