// Name tokens: the words of a product name (lower-cased) and each pair of adjacent words,
// so "Samsung Galaxy S21 128GB" yields samsung, galaxy, s21, 128gb, "samsung galaxy",
// "galaxy s21", "s21 128gb". The pairs matter: a brand or a model word alone can be shared
// across brands, "brand model" rarely is. IDF (log of products / products with the token)
// decides how informative each one is, so colours and sizes weigh little.

import { sharedFloat64, sharedInt32 } from "./shared-arrays.js";

export interface ProductTokens {
  /** Tokens of product p are tokens[start[p] .. start[p + 1]). */
  start: Int32Array;
  tokens: Int32Array;
  /** Products carrying each token. */
  df: Int32Array;
  idf: Float64Array;
  count: number;
}

const SPLIT = /[^\p{L}\p{N}]+/u;

export function nameTokens(name: string): string[] {
  const words = name
    .toLowerCase()
    .split(SPLIT)
    .filter((w) => w.length > 0);
  const out = new Set<string>(words);
  for (let i = 0; i + 1 < words.length; i++) out.add(`${words[i]} ${words[i + 1]}`);
  return [...out];
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 127) return false;
  return true;
}

/**
 * Tokens of every product, numbered in order of first appearance (product by product, in
 * nameTokens order, so the same numbering as tokenizing each name with nameTokens). Works
 * on word ids rather than strings: a pair is two word ids, not a new string to hash, which
 * matters because tokenizing is a sizeable share of a build's preparation at millions of rows.
 */
export function tokenizeProducts(names: string[]): ProductTokens {
  const wordIds = new Map<string, number>();
  /** Per word id: its token id, or -1 until the word first appears as a token. */
  const wordToken: number[] = [];
  /** Per first word id: second word id → the pair's token id (small-integer keys, V8's fastest Map), made on first use. */
  const pairToken: Map<number, number>[] = [];
  let count = 0;
  const start = sharedInt32(names.length + 1);
  const flat: number[] = [];
  const words: number[] = [];
  const wordId = (w: string) => {
    let id = wordIds.get(w);
    if (id === undefined) {
      id = wordIds.size;
      wordIds.set(w, id);
      wordToken.push(-1);
    }
    return id;
  };
  for (let p = 0; p < names.length; p++) {
    words.length = 0;
    const name = (names[p] ?? "").toLowerCase();
    if (isAscii(name)) {
      // The same words SPLIT finds, without the regular expression (a third of the time
      // here): in ASCII, letters and digits are exactly a-z (lower-cased) and 0-9.
      let from = -1;
      for (let i = 0; i <= name.length; i++) {
        const ch = i < name.length ? name.charCodeAt(i) : 0;
        const inWord = (ch >= 97 && ch <= 122) || (ch >= 48 && ch <= 57);
        if (inWord && from < 0) from = i;
        else if (!inWord && from >= 0) {
          words.push(wordId(name.slice(from, i)));
          from = -1;
        }
      }
    } else {
      for (const w of name.split(SPLIT)) if (w.length > 0) words.push(wordId(w));
    }
    // A repeated word or pair is listed once, as nameTokens does.
    for (let i = 0; i < words.length; i++) {
      if (words.indexOf(words[i]) < i) continue;
      if (wordToken[words[i]] < 0) wordToken[words[i]] = count++;
      flat.push(wordToken[words[i]]);
    }
    const pairsFrom = flat.length;
    for (let i = 0; i + 1 < words.length; i++) {
      const second = (pairToken[words[i]] ??= new Map());
      let t = second.get(words[i + 1]);
      if (t === undefined) second.set(words[i + 1], (t = count++));
      if (flat.indexOf(t, pairsFrom) < 0) flat.push(t);
    }
    start[p + 1] = flat.length;
  }
  const tokens = sharedInt32(flat.length);
  tokens.set(flat);
  const df = sharedInt32(count);
  for (let i = 0; i < tokens.length; i++) df[tokens[i]]++;
  const idf = sharedFloat64(count);
  const products = Math.max(1, names.length);
  for (let t = 0; t < count; t++) idf[t] = Math.log(products / df[t]);
  return { start, tokens, df, idf, count };
}
