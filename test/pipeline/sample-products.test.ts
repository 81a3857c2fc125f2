import { describe, expect, it } from "vitest";
import type { Interactions } from "../../pipeline/ingest/ingest.js";
import { sampleProducts } from "../../pipeline/serialize/build.js";

// Only products, product and count matter to sampleProducts.
function withCounts(counts: Record<string, number>): Interactions {
  const products = Object.keys(counts);
  const product = Int32Array.from(products.flatMap((_, p) => Array<number>(counts[products[p]]).fill(p)));
  return { products, product, count: product.length } as unknown as Interactions;
}

describe("sampleProducts", () => {
  const data = withCounts({ d: 2, a: 5, c: 2, b: 1, e: 7, f: 2 });

  it("lists the most interacted-with products first, ties by id", () => {
    expect(sampleProducts(data)).toEqual(["e", "a", "c", "d", "f", "b"]);
  });

  it("keeps the best `limit`, cutting inside a tie by id", () => {
    expect(sampleProducts(data, 4)).toEqual(["e", "a", "c", "d"]);
    expect(sampleProducts(data, 1)).toEqual(["e"]);
    expect(sampleProducts(data, 0)).toEqual([]);
  });
});
