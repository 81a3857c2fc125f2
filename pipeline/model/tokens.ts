// Name tokens: the words of a product name (lower-cased) and each pair of adjacent words,
// so "Samsung Galaxy S21 128GB" yields samsung, galaxy, s21, 128gb, "samsung galaxy",
// "galaxy s21", "s21 128gb". The pairs matter: a brand or a model word alone can be shared
// across brands, "brand model" rarely is. IDF (log of products / products with the token)
// decides how informative each one is, so colours and sizes weigh little.

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
  const words = name.toLowerCase().split(SPLIT).filter((w) => w.length > 0);
  const out = new Set<string>(words);
  for (let i = 0; i + 1 < words.length; i++) out.add(`${words[i]} ${words[i + 1]}`);
  return [...out];
}

export function tokenizeProducts(names: string[]): ProductTokens {
  const dict = new Map<string, number>();
  const start = new Int32Array(names.length + 1);
  const flat: number[] = [];
  for (let p = 0; p < names.length; p++) {
    for (const token of nameTokens(names[p] ?? "")) {
      let t = dict.get(token);
      if (t === undefined) dict.set(token, (t = dict.size));
      flat.push(t);
    }
    start[p + 1] = flat.length;
  }
  const count = dict.size;
  const tokens = Int32Array.from(flat);
  const df = new Int32Array(count);
  for (let i = 0; i < tokens.length; i++) df[tokens[i]]++;
  const idf = new Float64Array(count);
  const products = Math.max(1, names.length);
  for (let t = 0; t < count; t++) idf[t] = Math.log(products / df[t]);
  return { start, tokens, df, idf, count };
}
