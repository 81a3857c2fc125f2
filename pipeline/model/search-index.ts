// The name search index (worker/contract-readable.ts): every product under each 1..3
// character prefix of each of its name's search words (the best SEARCH_SHORT_PREFIX_KEEP
// only under a 1- or 2-character prefix), and under its own id read as a query; prefixes
// hashed into buckets, one KV value per bucket, so any query is answered from the one
// bucket of its longest word's prefix.
import {
  type IdType,
  keys,
  prefixOf,
  SEARCH_PREFIX_CHARS,
  SEARCH_SHORT_PREFIX_KEEP,
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

/** A prefix (1..SEARCH_PREFIX_CHARS characters of a search word) and the bucket it routes to. */
interface Prefix {
  text: string;
  bucket: number;
  /** Positions in its bucket of the products with a word starting with it, in answer order. */
  list: number[];
  /** The last product (by rank) added to the list. */
  lastRank: number;
  /** How many products the list may hold: short prefixes keep only their best. */
  keep: number;
}

/** One bucket's products (by rank, in answer order) and its prefixes in the order first met. */
interface Bucket {
  ranks: number[];
  prefixes: Prefix[];
  ids: [id: string, position: number][];
}

/**
 * The index's KV pairs: one per bucket, searchBuckets(products) of them (a bucket may be empty).
 * Values are the JSON.stringify of a SearchBucket, written out directly: names share words
 * (brands, models), so each word's prefixes and their buckets are worked out once, and no
 * object with thousands of keys is built per bucket.
 */
export function searchIndexPairs(input: SearchIndexInput): { key: string; value: string }[] {
  return [...eachSearchIndexPair(input)];
}

/** The same pairs one bucket at a time, so a build can write each value and drop it. */
export function* eachSearchIndexPair(input: SearchIndexInput): Generator<{ key: string; value: string }> {
  const { productIds, names, customers, idType } = input;
  const P = productIds.length;
  const buckets = searchBuckets(P);
  // Answer order: most customers, then by id.
  const order = Array.from({ length: P }, (_, p) => p).sort(
    (a, b) => customers[b] - customers[a] || compareIds(productIds[a], productIds[b]),
  );
  const byBucket: Bucket[] = Array.from({ length: buckets }, () => ({ ranks: [], prefixes: [], ids: [] }));
  const prefixes = new Map<string, Prefix>();
  const wordPrefixes = new Map<string, Prefix[]>();
  /** The product's position in bucket b, adding it (ranks come in ascending order). */
  const positionIn = (b: Bucket, rank: number) => {
    if (b.ranks.length === 0 || b.ranks[b.ranks.length - 1] !== rank) b.ranks.push(rank);
    return b.ranks.length - 1;
  };
  for (let rank = 0; rank < P; rank++) {
    const p = order[rank];
    for (const word of searchWords(names[p] ?? "")) {
      let list = wordPrefixes.get(word);
      if (!list) {
        list = [];
        const chars = Array.from(prefixOf(word));
        for (let k = 1; k <= chars.length; k++) {
          const text = chars.slice(0, k).join("");
          let prefix = prefixes.get(text);
          if (!prefix) {
            prefix = {
              text,
              bucket: searchRoute([text], buckets)!.bucket,
              list: [],
              lastRank: -1,
              keep: k < SEARCH_PREFIX_CHARS ? SEARCH_SHORT_PREFIX_KEEP : P,
            };
            prefixes.set(text, prefix);
          }
          list.push(prefix);
        }
        wordPrefixes.set(word, list);
      }
      for (const prefix of list) {
        // A prefix two words of the name share lists the product once.
        if (prefix.lastRank === rank) continue;
        prefix.lastRank = rank;
        // Ranks come in answer order, so a full list already holds the prefix's best.
        if (prefix.list.length >= prefix.keep) continue;
        const bucket = byBucket[prefix.bucket];
        if (prefix.list.length === 0) bucket.prefixes.push(prefix);
        prefix.list.push(positionIn(bucket, rank));
      }
    }
    const idRoute = searchRoute(searchWords(productIds[p]), buckets);
    if (idRoute) {
      const bucket = byBucket[idRoute.bucket];
      bucket.ids.push([productIds[p], positionIn(bucket, rank)]);
    }
  }
  // A product is in the bucket of every prefix of its name (about twenty): its entry is
  // written once and shared.
  const entries: (string | undefined)[] = new Array(P);
  const entryOf = (r: number) => {
    let entry = entries[r];
    if (entry === undefined) {
      const p = order[r];
      const id = idType === "number" ? String(Number(productIds[p])) : JSON.stringify(productIds[p]);
      entry = entries[r] = `[${id},${JSON.stringify(names[p] ?? null)},${customers[p]}]`;
    }
    return entry;
  };
  for (let b = 0; b < buckets; b++) {
    const { ranks, prefixes: bucketPrefixes, ids } = byBucket[b];
    const products = ranks.map(entryOf);
    const prefixEntries = objectOrder(bucketPrefixes.map((x) => [x.text, `[${x.list.join(",")}]`]));
    const idEntries = objectOrder(ids.map(([id, at]) => [id, String(at)]));
    const value =
      `{"products":[${products.join(",")}],` +
      `"prefixes":{${prefixEntries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(",")}},` +
      `"ids":{${idEntries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(",")}}}`;
    yield { key: keys.search(input.version, b), value };
  }
}

/** Keys JavaScript orders numerically in an object (array indices: 0 .. 2^32 - 2, no leading zero). */
const ARRAY_INDEX = /^(?:0|[1-9][0-9]{0,9})$/;

/**
 * Entries in the order JSON.stringify lists an object built from them in this order: array
 * index keys first, ascending, then the other keys as inserted (later duplicates keep the
 * first place and take the last value, as Object.fromEntries does).
 */
function objectOrder(entries: [string, string][]): [string, string][] {
  const at = new Map<string, number>();
  const unique: [string, string][] = [];
  for (const [k, v] of entries) {
    const i = at.get(k);
    if (i === undefined) {
      at.set(k, unique.length);
      unique.push([k, v]);
    } else unique[i][1] = v;
  }
  const isIndex = (k: string) => ARRAY_INDEX.test(k) && Number(k) <= 2 ** 32 - 2;
  const indices = unique.filter(([k]) => isIndex(k)).sort((a, b) => Number(a[0]) - Number(b[0]));
  return [...indices, ...unique.filter(([k]) => !isIndex(k))];
}
