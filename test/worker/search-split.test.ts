// Search over an index whose crowded prefix is split (products 1..260, as many customers as
// their id; "Lypsum" for even ids, "Lypo" for the odd ones but 7, "Lypsum Blue"): with a
// threshold of 150, "lyp" (260 products) is cut to its best 150 (260 down to 111) and its
// words are listed under "lyps" (131) and "lypo" (129). The worker routes by the pointer's
// cut prefixes, so every answer equals the uncut index's, in one KV read once warm.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { searchIndexPairs } from "../../pipeline/model/search-index.js";
import { POINTER_KEY } from "../../worker/contract.js";
import { resetStoreCache } from "../../worker/store.js";
import { call, countingKv, pointerFor } from "./fixtures.js";

const P = 260;
const ids = Array.from({ length: P }, (_, i) => String(i + 1));
const names = ids.map((id) => (id === "7" ? "Lypsum Blue" : Number(id) % 2 === 0 ? "Lypsum" : "Lypo"));
const pointer = pointerFor(new Date(Date.now() - 86_400_000));

/** Publishes the index built with `prefixMax` and a pointer carrying `cut`. */
async function publish(prefixMax: number | undefined, cut: string[] | undefined) {
  const pairs = searchIndexPairs({
    version: pointer.version,
    idType: "number",
    productIds: ids,
    names,
    customers: Int32Array.from(ids, Number),
    prefixMax,
  });
  for (const { key, value } of pairs) await env.RECS.put(key, value);
  await env.RECS.put(
    POINTER_KEY,
    JSON.stringify({ ...pointer, products: P, ...(cut ? { search_cut: cut } : {}) }),
  );
  resetStoreCache();
}

async function found(q: string, limit = 50, kv?: KVNamespace): Promise<number[]> {
  const res = await call(
    `/products/search?q=${encodeURIComponent(q)}&limit=${limit}`,
    undefined,
    kv ? { RECS: kv } : {},
  );
  expect(res.status).toBe(200);
  return ((await res.json()) as { results: { product_id: number }[] }).results.map((r) => r.product_id);
}

/** from, from - step, … (count of them). */
const down = (from: number, count: number, step = 1) =>
  Array.from({ length: count }, (_, i) => from - i * step);

/** The answers worked out by hand, the same with or without the split. */
async function expectAnswers() {
  expect(await found("lypsum blue")).toEqual([7]);
  expect(await found("blue lyps")).toEqual([7]);
  // Even ids best first, then 7 after the 127 even ids above it.
  expect(await found("lypsu", 3)).toEqual([260, 258, 256]);
  expect((await found("lyps", 50)).length).toBe(50);
  expect(await found("lypo", 2)).toEqual([259, 257]);
  expect(await found("lyp")).toEqual(down(260, 50));
  expect(await found("7")).toEqual([7]);
}

describe("search with a split crowded prefix", () => {
  it("answers as the uncut index does", async () => {
    await publish(150, ["lyp"]);
    await expectAnswers();
    await publish(undefined, undefined);
    await expectAnswers();
  });

  it("reads the one bucket of the query's list: one KV read once the pointer is held", async () => {
    await publish(150, ["lyp"]);
    const { kv, reads } = countingKv();
    expect(await found("lypsum blue", 50, kv)).toEqual([7]);
    expect(reads).toHaveLength(2);
    expect(reads[0]).toBe(POINTER_KEY);
    expect(reads[1]).toMatch(new RegExp(`^v/${pointer.version}/search/\\d+$`));
    // Another list: its bucket at most, the pointer held.
    expect(await found("lypo", 2, kv)).toEqual([259, 257]);
    expect(reads.length).toBeLessThanOrEqual(3);
    expect(
      reads
        .slice(1)
        .every((key) => typeof key === "string" && key.startsWith(`v/${pointer.version}/search/`)),
    ).toBe(true);
  });

  it("without the pointer's cut prefixes, a product past the cut is not found", async () => {
    await publish(150, undefined);
    expect(await found("lypsum blue")).toEqual([]);
  });

  it("reads a pointer whose search_cut is not a list of strings as cutting nothing", async () => {
    await publish(undefined, undefined);
    await env.RECS.put(POINTER_KEY, JSON.stringify({ ...pointer, products: P, search_cut: { lyp: true } }));
    resetStoreCache();
    expect(await found("lypsum blue")).toEqual([7]);
    await env.RECS.put(POINTER_KEY, JSON.stringify({ ...pointer, products: P, search_cut: [3] }));
    resetStoreCache();
    expect(await found("lypsum blue")).toEqual([7]);
  });
});
