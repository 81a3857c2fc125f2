// tokenizeProducts numbers tokens by word ids (tokens.ts); the numbering must be exactly the
// one of tokenizing each name with nameTokens, the definition, and numbering tokens by
// first appearance.
import { describe, expect, it } from "vitest";
import { nameTokens, tokenizeProducts } from "../../pipeline/model/tokens.js";

function byDefinition(names: string[]) {
  const ids = new Map<string, number>();
  const start = [0];
  const tokens: number[] = [];
  for (const name of names) {
    for (const token of nameTokens(name)) {
      if (!ids.has(token)) ids.set(token, ids.size);
      tokens.push(ids.get(token)!);
    }
    start.push(tokens.length);
  }
  return { start, tokens, count: ids.size };
}

describe("tokenizeProducts", () => {
  it("splits words, adds adjacent pairs, and lists a repeated word or pair once", () => {
    expect(nameTokens("Samsung Galaxy S21 128GB")).toEqual([
      "samsung",
      "galaxy",
      "s21",
      "128gb",
      "samsung galaxy",
      "galaxy s21",
      "s21 128gb",
    ]);
    const t = tokenizeProducts(["a b a b", "b a"]);
    // a, b, "a b", "b a" ("a b" twice in the first name, once listed); then b, a, "b a".
    expect(Array.from(t.tokens)).toEqual([0, 1, 2, 3, 1, 0, 3]);
    expect(Array.from(t.start)).toEqual([0, 4, 7]);
    expect(Array.from(t.df)).toEqual([2, 2, 1, 2]);
  });

  it("numbers every token as the definition does, on names with repeats, punctuation, case and Unicode", () => {
    const words = [
      "Black",
      "black",
      "XL",
      "2-Pack",
      "Ölfilter",
      "東京",
      "64GB",
      "Pro",
      "pro",
      "Max",
      "",
      "  ",
      "a.b",
      "ÉTÉ",
      // Lower-cases to ASCII ("kelvin"); underscore, tab and other ASCII punctuation split words.
      "\u212Aelvin",
      "x_y\tz~9",
      "[A]{b}",
    ];
    let seed = 7;
    const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const names = Array.from({ length: 3000 }, () =>
      Array.from({ length: rand(7) }, () => words[rand(words.length)]).join(rand(3) === 0 ? " / " : " "),
    );
    names.push("", "same same same", "same same same");
    const t = tokenizeProducts(names);
    const d = byDefinition(names);
    expect(t.count).toBe(d.count);
    expect(Array.from(t.start)).toEqual(d.start);
    expect(Array.from(t.tokens)).toEqual(d.tokens);
    expect(t.count).toBeGreaterThan(50);
  });
});
