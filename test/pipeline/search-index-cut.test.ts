// The cut of short prefixes, worked out by hand on a catalogue larger than the cut: products
// 1..260 with as many customers as their id, so the answer order is 260, 259, …, 1. Every name
// starts with "Axe", so "a" and "ax" (short) keep only the best 200 (260 down to 61), while
// "axe" (three characters) lists all 260; "bow" (even ids only, 130 of them) is under the cut.
import { describe, expect, it } from "vitest";
import { searchIndexPairs } from "../../pipeline/model/search-index.js";
import { SEARCH_SHORT_PREFIX_KEEP } from "../../worker/contract.js";

const P = 260;
const ids = Array.from({ length: P }, (_, i) => String(i + 1));
const names = ids.map((id) => (id === "3" ? "Axe Cup" : Number(id) % 2 === 0 ? "Axe Bow" : "Axe"));

interface Bucket {
  products: [number, string | null, number][];
  prefixes: Record<string, number[]>;
}

/** The index of the test catalogue: each product's customers equal its id. */
function catalogueIndex() {
  return searchIndexPairs({
    version: "v1",
    idType: "number",
    productIds: ids,
    names,
    customers: Int32Array.from(ids, Number),
  });
}

/** The ids listed under each prefix, read back from the bucket values. */
function listsByPrefix(): Map<string, number[]> {
  const pairs = catalogueIndex();
  const lists = new Map<string, number[]>();
  for (const { value } of pairs) {
    const bucket = JSON.parse(value) as Bucket;
    for (const [prefix, at] of Object.entries(bucket.prefixes))
      lists.set(
        prefix,
        at.map((i) => bucket.products[i][0]),
      );
  }
  return lists;
}

/** from, from - step, … down to `to`. */
const down = (from: number, to: number, step = 1) =>
  Array.from({ length: Math.floor((from - to) / step) + 1 }, (_, i) => from - i * step);

describe("short prefixes keep their best products", () => {
  it("cuts a 1- and 2-character list to the best 200 in answer order, never a 3-character one", () => {
    expect(SEARCH_SHORT_PREFIX_KEEP).toBe(200);
    const lists = listsByPrefix();
    expect(lists.get("a")).toEqual(down(260, 61));
    expect(lists.get("ax")).toEqual(down(260, 61));
    expect(lists.get("axe")).toEqual(down(260, 1));
    // Under the cut: every even id, best first; "cup" and its short prefixes hold product 3.
    expect(lists.get("b")).toEqual(down(260, 2, 2));
    expect(lists.get("bow")).toEqual(down(260, 2, 2));
    expect(lists.get("c")).toEqual([3]);
    expect(lists.get("cup")).toEqual([3]);
  });

  it("leaves a product out of a bucket that holds it under no prefix", () => {
    const pairs = catalogueIndex();
    // A product cut from "a" is in that bucket only if another key of the bucket names it.
    for (const { value } of pairs) {
      const bucket = JSON.parse(value) as Bucket & { ids: Record<string, number> };
      const named = new Set([...Object.values(bucket.prefixes).flat(), ...Object.values(bucket.ids)]);
      expect(named.size).toBe(bucket.products.length);
    }
  });
});
