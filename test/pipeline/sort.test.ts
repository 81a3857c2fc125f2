// sortByKeyDescending must give exactly the comparator sort's order.
import { describe, expect, it } from "vitest";
import { sortByKeyDescending } from "../../pipeline/model/sort.js";

function both(key: number[], tie: (a: number, b: number) => number) {
  const items = Int32Array.from(key, (_, i) => i);
  const want = Array.from(items).sort((a, b) => key[b] - key[a] || tie(a, b));
  return { got: Array.from(sortByKeyDescending(items.slice(), key, tie)), want };
}

describe("sortByKeyDescending", () => {
  it("orders by key descending, then by the comparator, like a comparator sort", () => {
    let seed = 11;
    const rand = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const pick = () => {
      const r = rand();
      if (r < 0.3) return Math.floor(rand() * 5); // many ties
      if (r < 0.4) return -rand() * 1e6; // negatives
      if (r < 0.45) return [0, -0, Infinity, -Infinity, 1e-310, -1e-310][Math.floor(rand() * 6)];
      return rand() * (rand() < 0.5 ? 1 : 1e12);
    };
    const key = Array.from({ length: 20_000 }, pick);
    const secondary = Array.from(key, () => Math.floor(rand() * 50));
    const { got, want } = both(key, (a, b) => secondary[a] - secondary[b] || a - b);
    expect(got).toEqual(want);
  });

  it("handles keys that share every high digit, and tiny inputs", () => {
    const key = Array.from({ length: 5000 }, (_, i) => 0.5 + (i % 97) * 2 ** -40);
    expect(both(key, (a, b) => b - a).got).toEqual(both(key, (a, b) => b - a).want);
    expect(Array.from(sortByKeyDescending(Int32Array.of(0), [1], () => 0))).toEqual([0]);
    expect(Array.from(sortByKeyDescending(new Int32Array(0), [], () => 0))).toEqual([]);
  });

  it("sorts a subset of items by their own keys", () => {
    const key = [5, 1, 9, 3, 9];
    expect(Array.from(sortByKeyDescending(Int32Array.of(4, 1, 2), key, (a, b) => a - b))).toEqual([2, 4, 1]);
  });
});
