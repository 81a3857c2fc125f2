// Search over a built index whose short prefixes are cut (products 1..260, as many customers
// as their id; "Axe Bow" for even ids, "Axe Cup" for 3, "Axe" for the other odd ones): a
// one-word query of 1-2 characters answers as with every product listed, and a query whose
// longest word is that short searches among the best 200 of its prefix only.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { searchIndexPairs } from "../../pipeline/model/search-index.js";
import { POINTER_KEY } from "../../worker/contract.js";
import { resetStoreCache } from "../../worker/store.js";
import { call, pointerFor } from "./fixtures.js";

const P = 260;

beforeAll(async () => {
  const ids = Array.from({ length: P }, (_, i) => String(i + 1));
  const pointer = pointerFor(new Date(Date.now() - 86_400_000));
  const pairs = searchIndexPairs({
    version: pointer.version,
    idType: "number",
    productIds: ids,
    names: ids.map((id) => (id === "3" ? "Axe Cup" : Number(id) % 2 === 0 ? "Axe Bow" : "Axe")),
    customers: Int32Array.from(ids, Number),
  });
  for (const { key, value } of pairs) await env.RECS.put(key, value);
  await env.RECS.put(POINTER_KEY, JSON.stringify({ ...pointer, products: P }));
  resetStoreCache();
});

async function found(q: string, limit = 50): Promise<number[]> {
  const res = await call(`/products/search?q=${encodeURIComponent(q)}&limit=${limit}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { results: { product_id: number }[] }).results.map((r) => r.product_id);
}

/** from, from - step, … (count of them). */
const down = (from: number, count: number, step = 1) =>
  Array.from({ length: count }, (_, i) => from - i * step);

describe("search with short prefixes cut to their best 200", () => {
  it("answers a one-word query of 1, 2 or 3 characters with the same best products", async () => {
    expect(await found("a")).toEqual(down(260, 50));
    expect(await found("AX")).toEqual(down(260, 50));
    expect(await found("axe")).toEqual(down(260, 50));
    expect(await found("b", 3)).toEqual([260, 258, 256]);
  });

  it("puts an exact id first even when it is outside a short prefix's best", async () => {
    expect(await found("1", 3)).toEqual([1]);
    expect(await found("5", 2)).toEqual([5]);
  });

  it("searches a query whose longest word is short among that prefix's best 200 only", async () => {
    // "a c": the longest word is "a" (the first of the longest), whose best 200 are 260..61,
    // none named with a "c" word; with a three-character word, product 3 is found.
    expect(await found("a c")).toEqual([]);
    expect(await found("axe c")).toEqual([3]);
    expect(await found("cup a")).toEqual([3]);
    expect(await found("a bo", 3)).toEqual([260, 258, 256]);
  });
});
