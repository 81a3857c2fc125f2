// Search and explain in workerd: what each costs in KV reads (search: the one bucket of the
// query, none once warm; explain: the audience and its reasons in one bulk read) and what
// a hand-written index and reasons value turn into.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { keys } from "../../worker/contract.js";
import { resetStoreCache } from "../../worker/store.js";
import { call, countingKv, KNOWN, OTHER_KNOWN, seed, VERSION } from "./fixtures.js";

// The fixture build has 2 products, so one bucket (0) holds every prefix.
const BUCKET = {
  products: [
    [43, 'Café Crème, "Deluxe" 🍵', 7],
    [42, "Acme Rocket 2", 3],
  ],
  prefixes: {
    a: [1],
    ac: [1],
    acm: [1],
    r: [1],
    ro: [1],
    roc: [1],
    "2": [1],
    c: [0],
    ca: [0],
    caf: [0],
    cr: [0],
    cre: [0],
    d: [0],
    de: [0],
    del: [0],
  },
  ids: { "42": 1, "43": 0 },
};

async function seedReadable(): Promise<void> {
  await seed();
  await env.RECS.put(keys.search(VERSION, 0), JSON.stringify(BUCKET));
  // Rank 1: shares customers with 43; rank 2: shared words; the rest: engagement.
  await env.RECS.put(
    keys.why(VERSION, KNOWN),
    JSON.stringify({
      reasons: [
        ["p", 43, 'Café Crème, "Deluxe" 🍵', "cart"],
        ["w", ["rocket"]],
      ],
      at: [0, 1, -1],
    }),
  );
  resetStoreCache();
}

describe("GET /products/search", () => {
  beforeEach(seedReadable);

  it("reads one bucket cold and nothing warm, and answers from it in the contract's order", async () => {
    const { kv, reads } = countingKv();
    const first = await call("/products/search?q=%20CAFE%20creme%20", undefined, { RECS: kv });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({
      query: "CAFE creme",
      results: [{ product_id: 43, product_name: 'Café Crème, "Deluxe" 🍵', customers: 7 }],
      count: 1,
    });
    expect(reads).toEqual(["meta/current", keys.search(VERSION, 0)]);
    const warm = await call("/products/search?q=roc", undefined, { RECS: kv });
    expect(
      ((await warm.json()) as { results: { product_id: number }[] }).results.map((r) => r.product_id),
    ).toEqual([42]);
    expect(reads).toHaveLength(2);
  });

  it("puts an exact id first even when its name does not match, and says count 0 for no match", async () => {
    const exact = (await (await call(`/products/search?q=${KNOWN}`)).json()) as {
      results: { product_id: number }[];
    };
    expect(exact.results.map((r) => r.product_id)).toEqual([42]);
    const none = await call("/products/search?q=zebra");
    expect(none.status).toBe(200);
    expect(await none.json()).toEqual({ query: "zebra", results: [], count: 0 });
  });
});

describe("?explain=true", () => {
  beforeEach(seedReadable);

  it("reads the audience and its reasons in one bulk read, and writes each reason's sentence", async () => {
    const { kv, reads } = countingKv();
    const res = await call(`/recommend/${KNOWN}?n=5&explain=true`, undefined, { RECS: kv });
    expect(res.status).toBe(200);
    expect(reads).toEqual(["meta/current", [keys.rec(VERSION, KNOWN, 5), keys.why(VERSION, KNOWN)]]);
    const body = (await res.json()) as {
      recommendations: { rank: number; reason: Record<string, unknown> }[];
    };
    expect(body.recommendations.map((r) => r.reason)).toEqual([
      {
        kind: "similar_product",
        product_id: 43,
        product_name: 'Café Crème, "Deluxe" 🍵',
        text: 'Carted Café Crème, "Deluxe" 🍵, which shares customers with this product.',
      },
      {
        kind: "shared_words",
        words: ["rocket"],
        text: "Engaged with products whose names share “rocket” with this one.",
      },
      ...Array.from({ length: 3 }, () => ({
        kind: "engaged",
        text: "No product evidence: placed by their own activity, as one of the customers most likely to come back.",
      })),
    ]);
    expect(res.headers.get("etag")).toBe(`"${VERSION}/${KNOWN}/5/explain"`);
  });

  it("gives every customer of a product without stored reasons the engaged reason, and leaves explain=false plain", async () => {
    const other = (await (await call(`/recommend/${OTHER_KNOWN}?n=5&explain=true`)).json()) as {
      recommendations: { reason: { kind: string } }[];
    };
    expect(other.recommendations.map((r) => r.reason.kind)).toEqual(Array(5).fill("engaged"));
    const plain = await (await call(`/recommend/${KNOWN}?n=5&explain=false`)).text();
    expect(plain).toBe(await env.RECS.get(keys.rec(VERSION, KNOWN, 5)));
  });

  it("quotes a reason with a comma or quote in the CSV's reason column", async () => {
    const csv = await (await call(`/recommend/${KNOWN}?n=5&explain=true&format=csv`)).text();
    const lines = csv.split("\n");
    expect(lines[0]).toBe("customer_id,score,rank,reason");
    expect(lines[1]).toBe(
      '100,1,1,"Carted Café Crème, ""Deluxe"" 🍵, which shares customers with this product."',
    );
    expect(lines[2]).toBe("101,0.99,2,Engaged with products whose names share “rocket” with this one.");
  });
});
