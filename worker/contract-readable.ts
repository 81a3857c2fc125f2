// The readable-audiences part of the contract (re-exported by contract.ts): how names are
// split into search words, which KV bucket of the search index holds a query, the search
// answer, and the reasons behind a recommendation with their marketer-facing sentences.
// The pipeline writes these shapes and the worker reads them; nothing else spells them.

export const SEARCH_Q_MAX = 100;
export const SEARCH_LIMIT_MAX = 50;
export const SEARCH_LIMIT_DEFAULT = 10;
/** Index prefixes are at most this many characters of a word (see searchRoute). */
export const SEARCH_PREFIX_CHARS = 3;
/**
 * A prefix shorter than SEARCH_PREFIX_CHARS lists only its best this many products (answer
 * order): a one-word query of it needs SEARCH_LIMIT_MAX of them (plus one, when the exact id
 * is among them), and the rest leave room for a second short word to filter them.
 */
export const SEARCH_SHORT_PREFIX_KEEP = 200;
/**
 * A prefix of SEARCH_PREFIX_CHARS or more characters that starts a word of more products
 * than this is cut: it lists only its best this many, and the words longer than it are
 * listed under their prefix one character longer (recursively while that one is also this
 * crowded). The build records the cut prefixes where the worker reads them
 * (Pointer.search_cut), so no list holds more than this many products at any catalogue size.
 */
export const SEARCH_PREFIX_MAX = 10_000;

const NOT_WORD = /[^\p{L}\p{N}]+/u;
const MARKS = /\p{M}/gu;

/** Words for search: Unicode NFKD, combining marks removed, lower case, split on non letters/digits. */
export function searchWords(text: string): string[] {
  return text
    .normalize("NFKD")
    .replace(MARKS, "")
    .toLowerCase()
    .split(NOT_WORD)
    .filter((w) => w.length > 0);
}

/** Does every query word start some word of the name? (Both already from searchWords.) */
export function wordsMatch(queryWords: readonly string[], nameWords: readonly string[]): boolean {
  return queryWords.every((q) => nameWords.some((w) => w.startsWith(q)));
}

/**
 * How many index buckets a build of `products` products has: a power of two near one
 * bucket per 64 products, with no upper limit, so the lists hashed into one bucket stay as
 * few at any catalogue size (with a cap, each bucket would gather more lists as the
 * catalogue grows).
 */
export function searchBuckets(products: number): number {
  let buckets = 1;
  while (buckets * 64 < products) buckets *= 2;
  return buckets;
}

/** FNV-1a over UTF-16 code units: the same bucket in Node and workerd. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The bucket (of `buckets`) that holds a prefix's list. */
export function searchBucketOf(prefix: string, buckets: number): number {
  return fnv1a(prefix) % buckets;
}

const NO_CUT: ReadonlySet<string> = new Set();

/**
 * The prefix whose list holds a word's products: its first SEARCH_PREFIX_CHARS characters,
 * one more for as long as the prefix is cut and the word is longer. `complete` when that
 * list holds every product with a word starting with the word's prefix (a short or cut
 * prefix lists only its best).
 */
export function wordRoute(
  word: string,
  cut: ReadonlySet<string> = NO_CUT,
): { prefix: string; complete: boolean } {
  const chars = Array.from(word);
  let k = Math.min(chars.length, SEARCH_PREFIX_CHARS);
  let prefix = chars.slice(0, k).join("");
  while (k < chars.length && cut.has(prefix)) prefix += chars[k++];
  return { prefix, complete: k >= SEARCH_PREFIX_CHARS && !cut.has(prefix) };
}

/**
 * Where a query is answered: the list of its longest word (the first of the longest) and
 * the bucket holding it; when that list is cut, the first of the next longest words whose
 * list is complete (the same matches in the same order, since every list is in answer
 * order and holds all products of every matching name); when none is, the longest word's
 * cut list. `cut` is the build's cut prefixes (none: every prefix of three characters is
 * complete). Undefined when the query has no word.
 */
export function searchRoute(
  queryWords: readonly string[],
  buckets: number,
  cut: ReadonlySet<string> = NO_CUT,
): { prefix: string; bucket: number } | undefined {
  // Longest first, ties in query order (the sort is stable).
  const byLength = queryWords
    .map((word) => ({ word, length: Array.from(word).length }))
    .sort((a, b) => b.length - a.length);
  if (byLength.length === 0) return undefined;
  let chosen = wordRoute(byLength[0].word, cut);
  if (!chosen.complete)
    for (const { word } of byLength.slice(1)) {
      const route = wordRoute(word, cut);
      if (route.complete) {
        chosen = route;
        break;
      }
    }
  return { prefix: chosen.prefix, bucket: searchBucketOf(chosen.prefix, buckets) };
}

/**
 * One bucket of the search index (`v/<version>/search/<bucket>`): its products in answer
 * order (most distinct customers first, then by id) as [id, name, customers]; per prefix
 * the positions of the products with a word starting with it; per id routed here (the id
 * read as a query) its position, so an exact id is found in the same read.
 */
export interface SearchBucket {
  products: [id: JsonIdOrString, name: string | null, customers: number][];
  prefixes: Record<string, number[]>;
  ids: Record<string, number>;
}
type JsonIdOrString = number | string;

export interface SearchResult {
  product_id: JsonIdOrString;
  product_name: string | null;
  customers: number;
}

export interface SearchResponse {
  query: string;
  results: SearchResult[];
  count: number;
}

// ---- reasons ----

/** Event names as a marketer reads them, for the config's default events. */
const VERBS: Record<string, string> = {
  purchased: "Bought",
  cart: "Carted",
  rating: "Rated",
  wishlist: "Wishlisted",
  search_keyword: "Searched for",
};

function productLabel(id: JsonIdOrString, name: string | null): string {
  return name === null || name === "" ? `product ${id}` : name;
}

function verbOf(event: string): string {
  return VERBS[event] ?? "Interacted with";
}

export type Reason =
  | { kind: "similar_product"; product_id: JsonIdOrString; product_name: string | null; text: string }
  | { kind: "shared_words"; words: string[]; text: string }
  | { kind: "engaged"; text: string };

/**
 * A reason as stored (in `v/<version>/why/<productId>`): the evidence without its sentence;
 * the worker writes the sentence.
 *   ["p", productId, productName, event]   similar_product, with the customer's heaviest
 *                                          event with that product
 *   ["w", [words]]                         shared_words. The products that have the words
 *   differ from customer to customer; naming them made the stored reasons as large as the
 *   audiences themselves, where the words alone repeat across an audience.
 */
export type StoredReason =
  | [kind: "p", productId: JsonIdOrString, productName: string | null, event: string]
  | [kind: "w", words: string[]];

/**
 * The stored reasons of one product's largest variant: `reasons` lists each distinct
 * piece of evidence once; `at[rank - 1]` is the index of the reason at that rank, or -1
 * for a customer placed by the customer score alone.
 */
export interface StoredReasons {
  reasons: StoredReason[];
  at: number[];
}

export const ENGAGED_TEXT =
  "No product evidence: placed by their own activity, as one of the customers most likely to come back.";

export function reasonOf(stored: StoredReason | undefined): Reason {
  if (stored === undefined) return { kind: "engaged", text: ENGAGED_TEXT };
  if (stored[0] === "p") {
    const [, id, name, event] = stored;
    return {
      kind: "similar_product",
      product_id: id,
      product_name: name,
      text: `${verbOf(event)} ${productLabel(id, name)}, which shares customers with this product.`,
    };
  }
  const [, words] = stored;
  return {
    kind: "shared_words",
    words,
    text: `Engaged with products whose names share ${words.map((w) => `“${w}”`).join(" and ")} with this one.`,
  };
}
