// Name search over the build's index (pipeline/model/search-index.ts): a query reads the
// one bucket its route names (its longest word's list, found with the pointer's cut
// prefixes), through the isolate cache, so a warm isolate answers with at most one KV read
// (none once it holds the bucket).
import type { Config } from "./config.js";
import {
  keys,
  type Pointer,
  type SearchBucket,
  type SearchResponse,
  type SearchResult,
  searchBuckets,
  searchRoute,
  searchWords,
  wordsMatch,
} from "./contract.js";
import { readValue } from "./store.js";

const own = (record: object, key: string) => Object.hasOwn(record, key);

// Parsed buckets by key, for the bucket texts the isolate cache holds: parsing a bucket
// costs more than matching in it. Keyed by the text itself being the same string, so a
// new version (or an evicted text) is parsed afresh. A few dozen buckets at most.
const parsed = new Map<string, { text: string; bucket: SearchBucket }>();
const MAX_PARSED = 64;

function parseBucket(key: string, text: string | null): SearchBucket | undefined {
  if (!text) return undefined;
  const hit = parsed.get(key);
  if (hit?.text === text) return hit.bucket;
  let bucket: SearchBucket | undefined;
  try {
    const value = JSON.parse(text) as SearchBucket;
    if (Array.isArray(value.products) && typeof value.prefixes === "object" && typeof value.ids === "object")
      bucket = value;
  } catch {
    bucket = undefined;
  }
  if (bucket) {
    parsed.delete(key);
    parsed.set(key, { text, bucket });
    if (parsed.size > MAX_PARSED) parsed.delete(parsed.keys().next().value!);
  }
  return bucket;
}

// The pointer's cut prefixes as a set, once per pointer read.
const cuts = new WeakMap<Pointer, ReadonlySet<string>>();

function cutOf(pointer: Pointer): ReadonlySet<string> {
  let cut = cuts.get(pointer);
  if (cut === undefined) {
    cut = new Set(pointer.search_cut ?? []);
    cuts.set(pointer, cut);
  }
  return cut;
}

/** The answer for a valid query (q trimmed, with a letter or digit; limit 1..50). */
export async function searchProducts(
  kv: KVNamespace,
  config: Config,
  pointer: Pointer,
  q: string,
  limit: number,
): Promise<SearchResponse> {
  const words = searchWords(q);
  const route = searchRoute(words, searchBuckets(pointer.products), cutOf(pointer));
  const results: SearchResult[] = [];
  if (route) {
    const key = keys.search(pointer.version, route.bucket);
    const bucket = parseBucket(key, await readValue(kv, config, key));
    if (bucket) {
      const exact = own(bucket.ids, q) ? bucket.ids[q] : -1;
      const take = (i: number) => {
        const [id, name, customers] = bucket.products[i];
        results.push({ product_id: id, product_name: name, customers });
      };
      if (exact >= 0) take(exact);
      const candidates = own(bucket.prefixes, route.prefix) ? bucket.prefixes[route.prefix] : [];
      for (let k = 0; k < candidates.length && results.length < limit; k++) {
        const i = candidates[k];
        if (i === exact) continue;
        if (wordsMatch(words, searchWords(bucket.products[i][1] ?? ""))) take(i);
      }
    }
  }
  return { query: q, results, count: results.length };
}
