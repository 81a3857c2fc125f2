// sortByKeysDescending must give exactly the comparator sort's order.
import { describe, expect, it } from "vitest";
import { sortByKeysDescending } from "../../pipeline/model/sort.js";

function both(keys: number[][], tie?: (a: number, b: number) => number) {
  const items = Int32Array.from(keys[0], (_, i) => i);
  const want = Array.from(items).sort((a, b) => {
    for (const key of keys) if (key[b] !== key[a]) return key[b] - key[a];
    return tie ? tie(a, b) : 0; // Array.prototype.sort is stable
  });
  return { got: Array.from(sortByKeysDescending(items.slice(), keys, tie)), want };
}

let seed = 11;
const rand = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
const pick = () => {
  const r = rand();
  if (r < 0.3) return Math.floor(rand() * 5); // many ties
  if (r < 0.4) return -rand() * 1e6; // negatives
  if (r < 0.45) return [0, -0, Infinity, -Infinity, 1e-310, -1e-310][Math.floor(rand() * 6)];
  return rand() * (rand() < 0.5 ? 1 : 1e12);
};

describe("sortByKeysDescending", () => {
  it("orders by one key descending, then by the comparator, like a comparator sort", () => {
    const key = Array.from({ length: 20_000 }, pick);
    const secondary = Array.from(key, () => Math.floor(rand() * 50));
    const { got, want } = both([key], (a, b) => secondary[a] - secondary[b] || a - b);
    expect(got).toEqual(want);
  });

  it("orders by each key in turn, then by the comparator", () => {
    const first = Array.from({ length: 20_000 }, () => Math.floor(rand() * 4) / 4);
    const second = Array.from(first, () => (rand() < 0.5 ? Math.floor(rand() * 3) : pick()));
    const third = Array.from(first, () => Math.floor(rand() * 3) - 1);
    const { got, want } = both([first, second], (a, b) => third[a] - third[b] || b - a);
    expect(got).toEqual(want);
    const three = both([first, second, third], (a, b) => a - b);
    expect(three.got).toEqual(three.want);
  });

  it("orders runs of ties of every length by the comparator, short (in place) and long", () => {
    // Mostly runs of two to a few items, as customers sharing a last-activity time, plus
    // a few runs longer than the in-place sort takes.
    const key = Array.from({ length: 30_000 }, (_, i) =>
      i % 50 === 0 ? -1 - (i % 7) : Math.floor(rand() * 9000),
    );
    const ids = Array.from(key, () => rand());
    const { got, want } = both([key], (a, b) => ids[a] - ids[b]);
    expect(got).toEqual(want);
  });

  it("keeps the input order of items equal on every key when there is no comparator", () => {
    const key = Array.from({ length: 5000 }, () => Math.floor(rand() * 7));
    const items = Int32Array.from({ length: key.length }, (_, i) => key.length - 1 - i);
    const want = Array.from(items).sort((a, b) => key[b] - key[a]);
    expect(Array.from(sortByKeysDescending(items, [key]))).toEqual(want);
  });

  it("handles keys that share every high digit, and tiny inputs", () => {
    const key = Array.from({ length: 5000 }, (_, i) => 0.5 + (i % 97) * 2 ** -40);
    expect(both([key], (a, b) => b - a).got).toEqual(both([key], (a, b) => b - a).want);
    expect(Array.from(sortByKeysDescending(Int32Array.of(0), [[1]], () => 0))).toEqual([0]);
    expect(Array.from(sortByKeysDescending(new Int32Array(0), [[]], () => 0))).toEqual([]);
  });

  it("sorts a subset of items by their own keys", () => {
    const key = [5, 1, 9, 3, 9];
    expect(Array.from(sortByKeysDescending(Int32Array.of(4, 1, 2), [key], (a, b) => a - b))).toEqual([
      2, 4, 1,
    ]);
  });
});
