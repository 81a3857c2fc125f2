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
  wordRoute,
} from "../../worker/contract.js";
import { ByteWriter } from "./byte-writer.js";
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
  let ids = new Int32Array(1 << 16);
  let length = 0;
  const start = new Int32Array(names.length + 1);
  // Each space-separated token is normalized once. The same words as searchWords(name): a
  // space decomposes to itself and ends a word, so normalizing, dropping marks and
  // lower-casing act on each token alone.
  const tokenWords = new Map<string, Int32Array>();
  const wordId = (word: string) => {
    let id = idOf.get(word);
    if (id === undefined) {
      id = vocabulary.push(word) - 1;
      idOf.set(word, id);
    }
    return id;
  };
  for (let p = 0; p < names.length; p++) {
    const first = length;
    start[p] = first;
    const name = names[p] ?? "";
    // The tokens name.split(" ") gives, without the array.
    for (let from = 0; from <= name.length; ) {
      let to = name.indexOf(" ", from);
      if (to < 0) to = name.length;
      const token = name.slice(from, to);
      from = to + 1;
      let list = tokenWords.get(token);
      if (list === undefined) {
        list = Int32Array.from(searchWords(token), wordId);
        tokenWords.set(token, list);
      }
      if (length + list.length > ids.length) {
        const grown = new Int32Array(ids.length * 2 + list.length);
        grown.set(ids);
        ids = grown;
      }
      next: for (let k = 0; k < list.length; k++) {
        for (let j = first; j < length; j++) if (ids[j] === list[k]) continue next;
        ids[length++] = list[k];
      }
    }
  }
  start[names.length] = length;
  return { vocabulary, ids: ids.slice(0, length), start };
}

/** The first k characters (code points) of a word, or undefined when it is shorter. */
function charsOf(word: string, k: number): string | undefined {
  // Words without surrogate pairs (nearly all) count characters in code units.
  if (!/[\uD800-\uDFFF]/.test(word)) return word.length < k ? undefined : word.slice(0, k);
  const chars = Array.from(word);
  return chars.length < k ? undefined : chars.slice(0, k).join("");
}

/** A word's length in characters (code points). */
function charCount(word: string): number {
  return /[\uD800-\uDFFF]/.test(word) ? Array.from(word).length : word.length;
}

/**
 * The prefixes of SEARCH_PREFIX_CHARS or more characters that start a word of more than
 * prefixMax products: the 3-character ones first, then, one character longer at a time,
 * the prefixes of the words under a cut one.
 */
function cutOf({ vocabulary, ids, start }: CatalogueWords, prefixMax: number): Set<string> {
  const cut = new Set<string>();
  const lengths = Int32Array.from(vocabulary, charCount);
  // The words counted at this level: all at the first, then those longer than a cut prefix of theirs.
  const counted = new Uint8Array(vocabulary.length).fill(1);
  for (let k = SEARCH_PREFIX_CHARS; ; k++) {
    // Per word of the vocabulary, the id of its prefix at this level (-1: not counted, or too short).
    const prefixIdOf = new Int32Array(vocabulary.length).fill(-1);
    const prefixes: string[] = [];
    const prefixIds = new Map<string, number>();
    for (let w = 0; w < vocabulary.length; w++) {
      if (counted[w] === 0 || lengths[w] < k) continue;
      const prefix = charsOf(vocabulary[w], k) as string;
      let prefixId = prefixIds.get(prefix);
      if (prefixId === undefined) {
        prefixId = prefixes.push(prefix) - 1;
        prefixIds.set(prefix, prefixId);
      }
      prefixIdOf[w] = prefixId;
    }
    // A product counts once per prefix, however many of its words start with it.
    const count = new Int32Array(prefixes.length);
    const lastProduct = new Int32Array(prefixes.length).fill(-1);
    for (let p = 0; p + 1 < start.length; p++)
      for (let j = start[p]; j < start[p + 1]; j++) {
        const prefixId = prefixIdOf[ids[j]];
        if (prefixId < 0 || lastProduct[prefixId] === p) continue;
        lastProduct[prefixId] = p;
        count[prefixId]++;
      }
    let anyCut = false;
    for (let i = 0; i < prefixes.length; i++)
      if (count[i] > prefixMax) {
        cut.add(prefixes[i]);
        anyCut = true;
      }
    if (!anyCut) break;
    for (let w = 0; w < vocabulary.length; w++)
      counted[w] = prefixIdOf[w] >= 0 && count[prefixIdOf[w]] > prefixMax && lengths[w] > k ? 1 : 0;
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
  // Undefined unless every id is a canonical safe integer (String(Number(id)) is the id itself).
  const idRank = numericIdRanks(productIds);
  const order = answerOrder(productIds, customers, idRank);
  const prefixes = wordPrefixes(catalogue.vocabulary, cut, buckets, prefixMax, P);
  const listing = listProducts(catalogue, prefixes, order, buckets, (p) =>
    idBucket(productIds[p], buckets, cut),
  );

  // A product is in the bucket of every prefix of its name (about twenty): its entry is
  // written once, in answer order, and copied into each bucket's value.
  const entries = new ByteWriter(1 << 20);
  const entryStart = new Int32Array(P + 1);
  for (let r = 0; r < P; r++) {
    entryStart[r] = entries.length;
    const p = order[r];
    entries.byte(0x5b);
    if (idType === "number") entries.ascii(idRank ? productIds[p] : String(Number(productIds[p])));
    else entries.jsonString(productIds[p]);
    entries.byte(0x2c);
    const name = names[p] ?? null;
    if (name === null) entries.ascii("null");
    else entries.jsonString(name);
    entries.byte(0x2c);
    entries.int(customers[p]);
    entries.byte(0x5d);
  }
  entryStart[P] = entries.length;

  const { ranks, rankStart, firstMet, firstMetStart, lists, listStart, idRanks, idPositions, idStart } =
    listing;
  // Each key's place in object key order: its value when it is an array index, else -1.
  const prefixIndex = Float64Array.from(prefixes.text, arrayIndexOf);
  const idIndex = new Float64Array(P);
  for (let r = 0; r < P; r++) idIndex[r] = arrayIndexOf(productIds[order[r]]);
  const out = new ByteWriter();
  for (let b = 0; b < buckets; b++) {
    out.ascii('{"products":[');
    for (let i = rankStart[b]; i < rankStart[b + 1]; i++) {
      if (i > rankStart[b]) out.byte(0x2c);
      out.copy(entries, entryStart[ranks[i]], entryStart[ranks[i] + 1]);
    }
    out.ascii('],"prefixes":{');
    const bucketPrefixes = firstMet.subarray(firstMetStart[b], firstMetStart[b + 1]);
    let first = true;
    for (const j of objectOrder(bucketPrefixes.length, (j) => prefixIndex[bucketPrefixes[j]])) {
      const q = bucketPrefixes[j];
      if (!first) out.byte(0x2c);
      first = false;
      out.jsonString(prefixes.text[q]);
      out.ascii(":[");
      for (let i = listStart[q]; i < listStart[q + 1]; i++) {
        if (i > listStart[q]) out.byte(0x2c);
        out.int(lists[i]);
      }
      out.byte(0x5d);
    }
    out.ascii('},"ids":{');
    const at = idStart[b];
    first = true;
    for (const j of objectOrder(idStart[b + 1] - at, (j) => idIndex[idRanks[at + j]])) {
      const i = at + j;
      if (!first) out.byte(0x2c);
      first = false;
      out.jsonString(productIds[order[idRanks[i]]]);
      out.byte(0x3a);
      out.int(idPositions[i]);
    }
    out.ascii("}}");
    yield { key: keys.search(input.version, b), value: out.take() };
  }
}

/**
 * Products (0..P-1) in answer order: most customers first, then by id (compareIds). Ids that
 * are all canonical integers order as numbers, so both keys pack into one double and a
 * numeric sort does the work of a comparator sort's n·log n calls.
 */
function answerOrder(
  productIds: readonly string[],
  customers: Int32Array,
  idRank: Int32Array | undefined,
): Int32Array {
  const P = productIds.length;
  let most = 0;
  for (let p = 0; p < P; p++) most = Math.max(most, customers[p]);
  if (idRank === undefined || (most + 1) * P > Number.MAX_SAFE_INTEGER)
    return Int32Array.from(
      Array.from({ length: P }, (_, p) => p).sort(
        (a, b) => customers[b] - customers[a] || compareIds(productIds[a], productIds[b]),
      ),
    );
  const byIdRank = new Int32Array(P);
  const key = new Float64Array(P);
  for (let p = 0; p < P; p++) {
    byIdRank[idRank[p]] = p;
    key[p] = (most - customers[p]) * P + idRank[p];
  }
  key.sort();
  const order = new Int32Array(P);
  for (let r = 0; r < P; r++) order[r] = byIdRank[key[r] % P];
  return order;
}

const CANONICAL_INTEGER = /^(?:0|[1-9][0-9]*)$/;

/**
 * Each id's place among the ids ordered by compareIds, when every id is a canonical integer
 * (compareIds orders those as numbers) and value·P + p stays exact; undefined otherwise.
 */
function numericIdRanks(productIds: readonly string[]): Int32Array | undefined {
  const P = productIds.length;
  const key = new Float64Array(P);
  for (let p = 0; p < P; p++) {
    const id = productIds[p];
    if (!CANONICAL_INTEGER.test(id)) return undefined;
    const value = Number(id);
    if ((value + 1) * P > Number.MAX_SAFE_INTEGER) return undefined;
    key[p] = value * P + p;
  }
  key.sort();
  const rank = new Int32Array(P);
  for (let i = 0; i < P; i++) rank[key[i] % P] = i;
  return rank;
}

/**
 * The prefixes products are listed under, by id, and each vocabulary word's prefixes
 * (1..SEARCH_PREFIX_CHARS characters, then longer while cut) as ids, flat: word w's are
 * ids[start[w] .. start[w + 1]).
 */
interface Prefixes {
  text: string[];
  bucket: Int32Array;
  /** How many products the list may hold: short prefixes keep only their best, cut ones prefixMax. */
  keep: Int32Array;
  ids: Int32Array;
  start: Int32Array;
}

function wordPrefixes(
  vocabulary: readonly string[],
  cut: ReadonlySet<string>,
  buckets: number,
  prefixMax: number,
  products: number,
): Prefixes {
  const text: string[] = [];
  const bucket: number[] = [];
  const keep: number[] = [];
  const idOf = new Map<string, number>();
  const ids: number[] = [];
  const start = new Int32Array(vocabulary.length + 1);
  for (let w = 0; w < vocabulary.length; w++) {
    start[w] = ids.length;
    const chars = Array.from(vocabulary[w]);
    let prefix = "";
    for (let k = 0; k < chars.length; k++) {
      if (k >= SEARCH_PREFIX_CHARS && !cut.has(prefix)) break;
      prefix += chars[k];
      let id = idOf.get(prefix);
      if (id === undefined) {
        id = text.push(prefix) - 1;
        idOf.set(prefix, id);
        bucket.push(searchBucketOf(prefix, buckets));
        keep.push(
          k + 1 < SEARCH_PREFIX_CHARS ? SEARCH_SHORT_PREFIX_KEEP : cut.has(prefix) ? prefixMax : products,
        );
      }
      ids.push(id);
    }
  }
  start[vocabulary.length] = ids.length;
  return {
    text,
    bucket: Int32Array.from(bucket),
    keep: Int32Array.from(keep),
    ids: Int32Array.from(ids),
    start,
  };
}

const SIMPLE_ID = /^[A-Za-z0-9]+$/;

/** The bucket an id read as a query routes to (searchRoute), or -1 when it has no search word. */
function idBucket(id: string, buckets: number, cut: ReadonlySet<string>): number {
  // An id of ASCII letters and digits is one search word, itself in lower case: no
  // normalizing or splitting needed, and its first characters are its first code units.
  if (SIMPLE_ID.test(id)) {
    const word = id.toLowerCase();
    const start = word.slice(0, SEARCH_PREFIX_CHARS);
    // wordRoute's answer when its first prefix is not cut.
    return searchBucketOf(cut.has(start) ? wordRoute(word, cut).prefix : start, buckets);
  }
  return searchRoute(searchWords(id), buckets, cut)?.bucket ?? -1;
}

/**
 * What each bucket holds, as flat lists: bucket b's products by rank (ascending, so in
 * answer order) are ranks[rankStart[b] .. rankStart[b + 1]), its prefixes in the order
 * first met firstMet[firstMetStart[b] ..), prefix q's positions in its bucket
 * lists[listStart[q] ..), and the products whose id routes to it (by rank) with their
 * positions idRanks/idPositions[idStart[b] ..).
 */
interface Listing {
  ranks: Int32Array;
  rankStart: Int32Array;
  firstMet: Int32Array;
  firstMetStart: Int32Array;
  lists: Int32Array;
  listStart: Int32Array;
  idRanks: Int32Array;
  idPositions: Int32Array;
  idStart: Int32Array;
}

function listProducts(
  { ids: wordIds, start }: CatalogueWords,
  prefixes: Prefixes,
  order: Int32Array,
  buckets: number,
  idBucketOf: (product: number) => number,
): Listing {
  const Q = prefixes.text.length;
  const P = order.length;
  const lastRank = new Int32Array(Q).fill(-1);
  const listed = new Int32Array(Q);
  const bucketLast = new Int32Array(buckets).fill(-1);
  const bucketSize = new Int32Array(buckets);
  const ranks = new IntList(); // (bucket, rank) as met
  const ranksBucket = new IntList();
  const firstMet = new IntList(); // prefixes as first listed; their bucket is prefixes.bucket
  const lists = new IntList(); // (prefix, position) as listed
  const listsPrefix = new IntList();
  const idRanks = new IntList();
  const idPositions = new IntList();
  const idBuckets = new IntList();
  /** The product's position in bucket b, adding it (ranks come in ascending order). */
  const positionIn = (b: number, rank: number) => {
    if (bucketLast[b] !== rank) {
      bucketLast[b] = rank;
      bucketSize[b]++;
      ranks.push(rank);
      ranksBucket.push(b);
    }
    return bucketSize[b] - 1;
  };
  for (let rank = 0; rank < P; rank++) {
    const p = order[rank];
    for (let w = start[p]; w < start[p + 1]; w++) {
      const word = wordIds[w];
      for (let i = prefixes.start[word]; i < prefixes.start[word + 1]; i++) {
        const q = prefixes.ids[i];
        // A prefix two words of the name share lists the product once.
        if (lastRank[q] === rank) continue;
        lastRank[q] = rank;
        // Ranks come in answer order, so a full list already holds the prefix's best.
        if (listed[q] >= prefixes.keep[q]) continue;
        if (listed[q] === 0) firstMet.push(q);
        listed[q]++;
        lists.push(positionIn(prefixes.bucket[q], rank));
        listsPrefix.push(q);
      }
    }
    const b = idBucketOf(p);
    if (b >= 0) {
      idPositions.push(positionIn(b, rank));
      idRanks.push(rank);
      idBuckets.push(b);
    }
  }
  const byBucket = groupBy(ranksBucket.view(), buckets);
  const firstMetBuckets = Int32Array.from(firstMet.view(), (q) => prefixes.bucket[q]);
  const firstMetByBucket = groupBy(firstMetBuckets, buckets);
  const byPrefix = groupBy(listsPrefix.view(), Q);
  const idsByBucket = groupBy(idBuckets.view(), buckets);
  return {
    ranks: gather(ranks.view(), byBucket.index),
    rankStart: byBucket.start,
    firstMet: gather(firstMet.view(), firstMetByBucket.index),
    firstMetStart: firstMetByBucket.start,
    lists: gather(lists.view(), byPrefix.index),
    listStart: byPrefix.start,
    idRanks: gather(idRanks.view(), idsByBucket.index),
    idPositions: gather(idPositions.view(), idsByBucket.index),
    idStart: idsByBucket.start,
  };
}

/** A growing list of int32s. */
class IntList {
  private items = new Int32Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.items.length) {
      const next = new Int32Array(this.items.length * 2);
      next.set(this.items);
      this.items = next;
    }
    this.items[this.length++] = value;
  }

  view(): Int32Array {
    return this.items.subarray(0, this.length);
  }
}

/**
 * A stable counting sort of items by group (0..groups-1): index lists the items of group g,
 * in their original order, at index[start[g] .. start[g + 1]).
 */
function groupBy(groupOf: Int32Array, groups: number): { start: Int32Array; index: Int32Array } {
  const start = new Int32Array(groups + 1);
  for (let i = 0; i < groupOf.length; i++) start[groupOf[i] + 1]++;
  for (let g = 0; g < groups; g++) start[g + 1] += start[g];
  const next = start.slice(0, groups);
  const index = new Int32Array(groupOf.length);
  for (let i = 0; i < groupOf.length; i++) index[next[groupOf[i]]++] = i;
  return { start, index };
}

function gather(values: Int32Array, index: Int32Array): Int32Array {
  const out = new Int32Array(index.length);
  for (let i = 0; i < index.length; i++) out[i] = values[index[i]];
  return out;
}

/** Keys JavaScript orders numerically in an object (array indices: 0 .. 2^32 - 2, no leading zero). */
const ARRAY_INDEX = /^(?:0|[1-9][0-9]{0,9})$/;

/** The key's value when it is an array index, else -1. */
function arrayIndexOf(key: string): number {
  const c = key.charCodeAt(0);
  if (!(c >= 0x30 && c <= 0x39) || !ARRAY_INDEX.test(key)) return -1;
  const value = Number(key);
  return value <= 2 ** 32 - 2 ? value : -1;
}

/**
 * The order (0..n-1) in which JSON.stringify lists the keys of an object built from n
 * distinct keys inserted in order 0..n-1, given each key's arrayIndexOf: array index keys
 * first, ascending, then the other keys as inserted.
 */
function objectOrder(n: number, indexOf: (j: number) => number): number[] {
  const indices: number[] = [];
  const others: number[] = [];
  for (let j = 0; j < n; j++) (indexOf(j) >= 0 ? indices : others).push(j);
  if (indices.length === 0) return others;
  indices.sort((a, b) => indexOf(a) - indexOf(b));
  return others.length === 0 ? indices : indices.concat(others);
}
