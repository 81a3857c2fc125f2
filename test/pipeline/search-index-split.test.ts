// Crowded prefixes of three or more characters, worked out by hand with a small threshold
// (prefixMax 3) on products 1..8, as many customers as their id (answer order 8, 7, …, 1).
// "lyp" starts a word of all 8 products: cut. Of the longer words under it, "lyps…" starts
// 5 (2, 4, 6, 7, 8): cut too; "lypo" 2, "lypsu" 3 and "lypsa" 1 are not, nor is "red" (3).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../pipeline/config.js";
import { searchCut, searchIndexPairs } from "../../pipeline/model/search-index.js";
import { pointerFromMeta } from "../../pipeline/publish/versions.js";
import { build } from "../../pipeline/serialize/build.js";
import { readManifest } from "../../pipeline/serialize/manifest.js";
import { type BuildMeta, SEARCH_PREFIX_MAX, searchBuckets, searchRoute } from "../../worker/contract.js";
import { tempDir } from "../helpers/tmp.js";

const ids = ["1", "2", "3", "4", "5", "6", "7", "8"];
const names = ["Lypo", "Lypsum Red", "Lyp", "Lypsum", "Lypo Red", "Lypsa", "Lyps", "Red Lypsum"];

interface Bucket {
  products: [number, string | null, number][];
  prefixes: Record<string, number[]>;
  ids: Record<string, number>;
}

function indexOf(catalogue: { ids: string[]; names: (string | null)[] }, prefixMax?: number) {
  return searchIndexPairs({
    version: "v1",
    idType: "number",
    productIds: catalogue.ids,
    names: catalogue.names,
    customers: Int32Array.from(catalogue.ids, Number),
    prefixMax,
  });
}

/** The ids listed under each prefix (and the bucket holding it), read back from the values. */
function listsByPrefix(pairs: { key: string; value: string }[]) {
  const lists = new Map<string, { bucket: number; ids: number[] }>();
  pairs.forEach(({ value }, bucket) => {
    const parsed = JSON.parse(value) as Bucket;
    for (const [prefix, at] of Object.entries(parsed.prefixes))
      lists.set(prefix, { bucket, ids: at.map((i) => parsed.products[i][0]) });
  });
  return lists;
}

describe("crowded prefixes split by their next character", () => {
  it("finds the cut prefixes level by level, sorted", () => {
    expect(searchCut(names, 3)).toEqual(["lyp", "lyps"]);
    expect(searchCut(names, 5)).toEqual(["lyp"]);
    expect(searchCut(names, 8)).toEqual([]);
    expect(searchCut(names)).toEqual([]);
  });

  it("lists every word under its prefix one character longer while the shorter one is cut", () => {
    const lists = listsByPrefix(indexOf({ ids, names }, 3));
    const idsOf = (prefix: string) => lists.get(prefix)?.ids;
    // A cut prefix keeps its best prefixMax.
    expect(idsOf("lyp")).toEqual([8, 7, 6]);
    expect(idsOf("lyps")).toEqual([8, 7, 6]);
    expect(idsOf("lypsu")).toEqual([8, 4, 2]);
    expect(idsOf("lypsa")).toEqual([6]);
    expect(idsOf("lypo")).toEqual([5, 1]);
    expect(idsOf("red")).toEqual([8, 5, 2]);
    // Not cut, so not split further.
    expect(idsOf("lypsum")).toBeUndefined();
    // Uncut, the index is the three-character one.
    const uncut = listsByPrefix(indexOf({ ids, names }));
    expect(uncut.get("lyp")?.ids).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
    expect([...uncut.keys()].some((prefix) => prefix.length > 3)).toBe(false);
  });

  it("routes a query to the list that holds its longest word, or to another word's complete one", () => {
    const cut = new Set(["lyp", "lyps"]);
    const buckets = searchBuckets(ids.length);
    const lists = listsByPrefix(indexOf({ ids, names }, 3));
    const routeOf = (words: string[]) => searchRoute(words, buckets, cut);
    expect(routeOf(["lypsum"])?.prefix).toBe("lypsu");
    expect(routeOf(["lypo", "red"])?.prefix).toBe("lypo");
    // "lyps" ends on a cut prefix: "red" has a complete list.
    expect(routeOf(["lyps", "red"])?.prefix).toBe("red");
    expect(routeOf(["lyp"])?.prefix).toBe("lyp");
    expect(routeOf(["lyp", "ly"])?.prefix).toBe("lyp");
    // Without cut prefixes, the first longest word's first three characters, as always.
    expect(searchRoute(["lyps", "red"], buckets)?.prefix).toBe("lyp");
    // The bucket a route names is the one holding that list.
    for (const words of [["lypsum"], ["lypo"], ["lyps", "red"], ["lypsa"]]) {
      const route = routeOf(words)!;
      expect(route.bucket).toBe(lists.get(route.prefix)?.bucket);
    }
  });

  it("keeps every list of a larger catalogue within the threshold, which the uncut index passes", () => {
    // 2,000 products named from 3 brands × 4 models: "Lypo Lypsum 3", … Each brand starts
    // about a third of the names, each "lyp…" word far more than 300.
    const brands = ["Lypo", "Lypra", "Tekis"];
    const models = ["Lypsum", "Lyptra", "Lypsa", "Tekka"];
    const many = Array.from({ length: 2000 }, (_, i) => String(i + 1));
    const catalogue = {
      ids: many,
      names: many.map((id, i) => `${brands[i % 3]} ${models[Math.floor(i / 3) % 4]} ${id}`),
    };
    const longest = (pairs: { key: string; value: string }[]) =>
      Math.max(...[...listsByPrefix(pairs).values()].map((list) => list.ids.length));
    expect(longest(indexOf(catalogue))).toBeGreaterThan(1000);
    expect(longest(indexOf(catalogue, 300))).toBeLessThanOrEqual(300);
    expect(SEARCH_PREFIX_MAX).toBe(10_000);
  });

  it("carries the meta's cut prefixes into the pointer a rollback writes, and none when the meta has none", () => {
    const meta = {
      version: "20260601T000000Z-abcdef",
      generated_at: "2026-06-01T00:00:00.000Z",
      id_type: "number",
      variants: [5, 10],
      counts: { products: 8, customers: 3, keys: 30, suppressed_customers: 0 },
      search_cut: ["lyp", "lyps"],
    } as BuildMeta;
    expect(pointerFromMeta(meta).search_cut).toEqual(["lyp", "lyps"]);
    const { search_cut: _, ...uncut } = meta;
    expect("search_cut" in pointerFromMeta(uncut as BuildMeta)).toBe(false);
  });
});

describe("a build's cut prefixes", () => {
  it("reach the meta and the pointer: 10,001 products named Zeta Widget <n>", async () => {
    const root = tempDir("pa-search-cut-");
    const log = join(root, "log.csv");
    const rows = ["customer_id,product_id,event,event_date,product_name"];
    for (let p = 1; p <= SEARCH_PREFIX_MAX + 1; p++)
      rows.push(`${p % 97},${p},cart,2026-03-01,Zeta Widget ${p}`);
    writeFileSync(log, `${rows.join("\n")}\n`);
    const built = await build({ inputs: [log], outDir: join(root, "out"), config: defaultConfig() });
    // "zet" and "wid" start a word of every product, and so do the longer prefixes of "zeta"
    // and "widget"; the numbers' 3-digit starts ("100": 113 products) stay far below the limit.
    const cut = ["wid", "widg", "widge", "widget", "zet", "zeta"];
    const meta = JSON.parse(readFileSync(join(built.dir, "meta.json"), "utf8")) as BuildMeta;
    expect(meta.search_cut).toEqual(cut);
    // Publish writes the pointer it reads back from the manifest.
    expect((await readManifest(built.dir)).pointer.search_cut).toEqual(cut);
  }, 60_000);
});
