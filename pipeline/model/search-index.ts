// The name search index (worker/contract-readable.ts): every product under each 1..3
// character prefix of each of its name's search words (the best SEARCH_SHORT_PREFIX_KEEP
// only under a 1- or 2-character prefix), under longer prefixes of its words where a
// 3-or-more-character prefix is cut (it starts a word of more than SEARCH_PREFIX_MAX
// products and lists only its best SEARCH_PREFIX_MAX), and under its own id read as a
// query; prefixes hashed into buckets, one KV value per bucket, so any query is answered
// from the one bucket of the list its route names.
import {
  type IdType,
  keys,
  SEARCH_PREFIX_CHARS,
  SEARCH_PREFIX_MAX,
  SEARCH_SHORT_PREFIX_KEEP,
  searchBucketOf,
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
  /** How many products a prefix of 3+ characters lists before it is cut (SEARCH_PREFIX_MAX). */
  prefixMax?: number;
  /** Told the cut prefixes, sorted (what searchCut() returns), before the first pair. */
  onCut?: (prefixes: string[]) => void;
}

/**
 * Each product's distinct search words as ids into `vocabulary`, flat: product p's are
 * ids[start[p] .. start[p + 1]). Names share their words, so the work per word is done once.
 */
interface CatalogueWords {
  vocabulary: string[];
  ids: Int32Array;
  start: Int32Array;
}

function catalogueWords(names: readonly (string | null)[]): CatalogueWords {
  const vocabulary: string[] = [];
  const idOf = new Map<string, number>();
  const ids: number[] = [];
  const start = new Int32Array(names.length + 1);
  // Each space-separated token is normalized once. The same words as searchWords(name): a
  // space decomposes to itself and ends a word, so normalizing, dropping marks and
  // lower-casing act on each token alone.
  const tokenWords = new Map<string, number[]>();
  for (let p = 0; p < names.length; p++) {
    const first = ids.length;
    start[p] = first;
    for (const token of (names[p] ?? "").split(" ")) {
      let list = tokenWords.get(token);
      if (list === undefined) {
        list = searchWords(token).map((word) => {
          let id = idOf.get(word);
          if (id === undefined) {
            id = vocabulary.push(word) - 1;
            idOf.set(word, id);
          }
          return id;
        });
        tokenWords.set(token, list);
      }
      for (const id of list) if (ids.indexOf(id, first) < 0) ids.push(id);
    }
  }
  start[names.length] = ids.length;
  return { vocabulary, ids: Int32Array.from(ids), start };
}

/** The first k characters (code points) of a word, or undefined when it is shorter. */
function charsOf(word: string, k: number): string | undefined {
  // Words without surrogate pairs (nearly all) count characters in code units.
  if (!/[\uD800-\uDFFF]/.test(word)) return word.length < k ? undefined : word.slice(0, k);
  const chars = Array.from(word);
  return chars.length < k ? undefined : chars.slice(0, k).join("");
}

/**
 * The prefixes of SEARCH_PREFIX_CHARS or more characters that start a word of more than
 * prefixMax products: the 3-character ones first, then, one character longer at a time,
 * the prefixes of the words under a cut one.
 */
function cutOf({ vocabulary, ids, start }: CatalogueWords, prefixMax: number): Set<string> {
  const cut = new Set<string>();
  // The word occurrences (indices into ids, in product order) counted at this level: all
  // at the first, then only the words longer than a cut prefix of theirs.
  let items = Int32Array.from(ids, (_, i) => i);
  const productOf = new Int32Array(ids.length);
  for (let p = 0; p + 1 < start.length; p++) productOf.fill(p, start[p], start[p + 1]);
  const mine: number[] = [];
  for (let k = SEARCH_PREFIX_CHARS; items.length > 0; k++) {
    // Per word of the vocabulary, the id of its prefix at this level (-1: too short, -2: not met yet).
    const prefixIdOf = new Int32Array(vocabulary.length).fill(-2);
    const prefixes: string[] = [];
    const prefixIds = new Map<string, number>();
    const count: number[] = [];
    const itemPrefix = new Int32Array(items.length);
    let product = -1;
    for (let j = 0; j < items.length; j++) {
      const word = ids[items[j]];
      let prefixId = prefixIdOf[word];
      if (prefixId === -2) {
        const prefix = charsOf(vocabulary[word], k);
        if (prefix === undefined) prefixId = -1;
        else {
          prefixId = prefixIds.get(prefix) ?? -1;
          if (prefixId < 0) {
            prefixId = prefixes.push(prefix) - 1;
            prefixIds.set(prefix, prefixId);
            count.push(0);
          }
        }
        prefixIdOf[word] = prefixId;
      }
      itemPrefix[j] = prefixId;
      if (prefixId < 0) continue;
      // A product counts once per prefix, however many of its words start with it.
      if (productOf[items[j]] !== product) {
        product = productOf[items[j]];
        mine.length = 0;
      }
      if (mine.includes(prefixId)) continue;
      mine.push(prefixId);
      count[prefixId]++;
    }
    const cutHere = count.map((n) => n > prefixMax);
    if (!cutHere.includes(true)) break;
    for (let i = 0; i < prefixes.length; i++) if (cutHere[i]) cut.add(prefixes[i]);
    const next: number[] = [];
    for (let j = 0; j < items.length; j++)
      // A word longer than its cut prefix (charsOf counts code points).
      if (
        itemPrefix[j] >= 0 &&
        cutHere[itemPrefix[j]] &&
        charsOf(vocabulary[ids[items[j]]], k + 1) !== undefined
      )
        next.push(items[j]);
    items = Int32Array.from(next);
  }
  return cut;
}

/**
 * The search index's cut prefixes for a catalogue's names (each product's name, null for
 * none), sorted: what the build's meta and pointer carry for the worker's route.
 */
export function searchCut(names: readonly (string | null)[], prefixMax = SEARCH_PREFIX_MAX): string[] {
  return [...cutOf(catalogueWords(names), prefixMax)].sort();
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
  const catalogue = catalogueWords(names);
  const prefixMax = input.prefixMax ?? SEARCH_PREFIX_MAX;
  const cut = cutOf(catalogue, prefixMax);
  input.onCut?.([...cut].sort());
  // Answer order: most customers, then by id.
  const order = Array.from({ length: P }, (_, p) => p).sort(
    (a, b) => customers[b] - customers[a] || compareIds(productIds[a], productIds[b]),
  );
  const byBucket: Bucket[] = Array.from({ length: buckets }, () => ({ ranks: [], prefixes: [], ids: [] }));
  const prefixes = new Map<string, Prefix>();
  const prefixNamed = (text: string, short: boolean): Prefix => {
    let prefix = prefixes.get(text);
    if (!prefix) {
      prefix = {
        text,
        bucket: searchBucketOf(text, buckets),
        list: [],
        lastRank: -1,
        keep: short ? SEARCH_SHORT_PREFIX_KEEP : cut.has(text) ? prefixMax : P,
      };
      prefixes.set(text, prefix);
    }
    return prefix;
  };
  /** The prefixes a word is listed under: 1..3 characters, then longer while cut. */
  const prefixesOf = (word: string): Prefix[] => {
    const list: Prefix[] = [];
    const chars = Array.from(word);
    let text = "";
    for (let k = 0; k < chars.length; k++) {
      if (k >= SEARCH_PREFIX_CHARS && !cut.has(text)) break;
      text += chars[k];
      list.push(prefixNamed(text, k + 1 < SEARCH_PREFIX_CHARS));
    }
    return list;
  };
  // Per word of the vocabulary, once met.
  const prefixesById: (Prefix[] | undefined)[] = new Array(catalogue.vocabulary.length);
  /** The product's position in bucket b, adding it (ranks come in ascending order). */
  const positionIn = (b: Bucket, rank: number) => {
    if (b.ranks.length === 0 || b.ranks[b.ranks.length - 1] !== rank) b.ranks.push(rank);
    return b.ranks.length - 1;
  };
  const { vocabulary, ids: wordIds, start } = catalogue;
  for (let rank = 0; rank < P; rank++) {
    const p = order[rank];
    for (let w = start[p]; w < start[p + 1]; w++)
      for (const prefix of (prefixesById[wordIds[w]] ??= prefixesOf(vocabulary[wordIds[w]]))) {
        // A prefix two words of the name share lists the product once.
        if (prefix.lastRank === rank) continue;
        prefix.lastRank = rank;
        // Ranks come in answer order, so a full list already holds the prefix's best.
        if (prefix.list.length >= prefix.keep) continue;
        const bucket = byBucket[prefix.bucket];
        if (prefix.list.length === 0) bucket.prefixes.push(prefix);
        prefix.list.push(positionIn(bucket, rank));
      }
    const idRoute = searchRoute(searchWords(productIds[p]), buckets, cut);
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
