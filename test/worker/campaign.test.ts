// POST/GET /audience: the merge, the holdout flag, CSV, the KV reads it costs, its errors.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { type CampaignResponse, keys } from "../../worker/contract.js";
import { resetStoreCache } from "../../worker/store.js";
import { call, countingKv, errorOf, seed, VERSION } from "./fixtures.js";

// The fixture build's largest variant is 20: a campaign reads that one.
async function store(productId: string, recs: [number, number][]): Promise<void> {
  const body = {
    product_id: Number(productId),
    recommendations: recs.map(([customer_id, score], i) => ({ customer_id, score, rank: i + 1 })),
    count: recs.length,
    model_version: VERSION,
    generated_at: "2026-11-26T16:45:00.000Z",
    fallback: false,
    note: "ranked note",
  };
  await env.RECS.put(keys.rec(VERSION, productId, 20), JSON.stringify(body));
}

beforeEach(async () => {
  await seed();
  await store("50", [
    [1, 0.9],
    [2, 0.8],
    [3, 0.5],
  ]);
  await store("51", [
    [2, 0.95],
    [4, 0.7],
    [10, 0.5],
    [3, 0.5],
    [9, 0.5],
  ]);
});

const post = (body: unknown, init: RequestInit = {}, query = "") =>
  call(`/audience${query}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(init.headers ?? {}) },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

async function json(res: Response): Promise<CampaignResponse> {
  expect(res.status).toBe(200);
  return (await res.json()) as CampaignResponse;
}

/** A campaign answer's fields, in the contract's order. */
const CAMPAIGN_FIELDS = [
  "campaign",
  "product_ids",
  "recommendations",
  "count",
  "targeted",
  "holdout",
  "unknown_products",
  "model_version",
  "generated_at",
  "fallback",
];

const rows = (b: CampaignResponse) => b.recommendations.map((r) => [r.customer_id, r.score, r.product_id]);

describe("POST /audience", () => {
  it("merges the audiences: each customer once at the best score, ties to the earlier product, ranked by score then id", async () => {
    const body = await json(await post({ product_ids: [50, 51, 777], n: 10, campaign: "spring" }));
    expect(rows(body)).toEqual([
      [2, 0.95, 51],
      [1, 0.9, 50],
      [4, 0.7, 51],
      // 0.5 three times: customer 3 is in both lists at 0.5, so the earlier product (50) keeps it;
      // ties are ordered by id as numbers (9 before 10).
      [3, 0.5, 50],
      [9, 0.5, 51],
      [10, 0.5, 51],
    ]);
    expect(body.recommendations.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(body).toMatchObject({
      campaign: "spring",
      product_ids: [50, 51, 777],
      count: 6,
      targeted: 6,
      holdout: 0,
      unknown_products: [777],
      model_version: VERSION,
      fallback: false,
    });
    expect(Object.keys(body)).toEqual(CAMPAIGN_FIELDS);
  });

  it("cuts to n and defaults n to 100", async () => {
    const two = await json(await post({ product_ids: [51, 50], n: 2 }));
    expect(rows(two)).toEqual([
      [2, 0.95, 51],
      [1, 0.9, 50],
    ]);
    // Product 42's 20 stored customers (100..119) and 43's (500..519), both at 1, 0.99, …
    const all = await json(await post({ product_ids: ["42", "43"] }));
    expect(all.count).toBe(40);
    expect(all.recommendations.slice(0, 3).map((r) => r.customer_id)).toEqual([100, 500, 101]);
  });

  it("answers the fallback audience, without products, when no product is known", async () => {
    const body = await json(await post({ product_ids: [777, 778], n: 3 }));
    expect(body.fallback).toBe(true);
    expect(body.unknown_products).toEqual([777, 778]);
    expect(rows(body)).toEqual([
      [900, 1, null],
      [901, 0.99, null],
      [902, 0.98, null],
    ]);
  });

  it("lists a repeated product id once", async () => {
    const body = await json(await post({ product_ids: [50, 50, 51], n: 1 }));
    expect(body.product_ids).toEqual([50, 51]);
  });

  // Expected fractions computed outside this code (Python hashlib): h = first 8 hex digits
  // of sha256("spring:<id>") / 2^32 → 1: 0.4620, 2: 0.9738, 3: 0.050433, 4: 0.092152, 9: 0.8497, 10: 0.7027.
  it("holds out exactly the customers whose hash is below holdout_pct, decimals included", async () => {
    const held = async (pct: number) => {
      const body = await json(await post({ product_ids: [50, 51], campaign: "spring", holdout_pct: pct }));
      expect(body.targeted + body.holdout).toBe(body.count);
      return body.recommendations.filter((r) => r.holdout).map((r) => r.customer_id);
    };
    expect(await held(0)).toEqual([]);
    expect(await held(5)).toEqual([]);
    expect(await held(9.2)).toEqual([3]);
    expect(await held(9.3)).toEqual([4, 3]);
    expect(await held(50)).toEqual([1, 4, 3]);
  });

  it("keeps a customer's holdout flag whatever n or product list", async () => {
    const a = await json(await post({ product_ids: [50], campaign: "spring", holdout_pct: 10 }));
    const b = await json(
      await post({ product_ids: [51, 50, 42], n: 3, campaign: "spring", holdout_pct: 10 }),
    );
    const c = await json(await post({ product_ids: [51], campaign: "spring", holdout_pct: 10 }));
    expect(a.recommendations.find((r) => r.customer_id === 3)?.holdout).toBe(true);
    expect(c.recommendations.find((r) => r.customer_id === 3)?.holdout).toBe(true);
    expect(c.recommendations.find((r) => r.customer_id === 4)?.holdout).toBe(true);
    expect(b.recommendations.find((r) => r.customer_id === 100)?.holdout).toBe(false);
  });

  // sha256("50+51+777") computed with Python hashlib: 0b30699ed30947c9…
  it("names an unnamed campaign by its sorted product ids, in any request order", async () => {
    expect((await json(await post({ product_ids: [777, 51, 50] }))).campaign).toBe("0b30699ed30947c9");
    expect((await json(await post({ product_ids: ["50", "777", "51"] }))).campaign).toBe("0b30699ed30947c9");
  });

  it("downloads CSV with ?format=csv or Accept: text/csv", async () => {
    const expected =
      "customer_id,score,rank,product_id,holdout\n2,0.95,1,51,false\n1,0.9,2,50,false\n4,0.7,3,51,true\n3,0.5,4,50,true\n";
    const body = { product_ids: [50, 51], n: 4, campaign: "spring", holdout_pct: 10 };
    const res = await post(body, {}, "?format=csv");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="campaign-spring.csv"');
    expect(await res.text()).toBe(expected);
    expect(await (await post(body, { headers: { accept: "text/csv" } })).text()).toBe(expected);
  });

  it("leaves the product column empty for a fallback answer in CSV", async () => {
    const res = await post({ product_ids: [777], n: 1 }, {}, "?format=csv");
    expect(await res.text()).toBe("customer_id,score,rank,product_id,holdout\n900,1,1,,false\n");
  });

  it("reads every product in one KV bulk get, and nothing from KV once the isolate holds them", async () => {
    const ids = Array.from({ length: 100 }, (_, i) => String(1000 + i));
    ids[0] = "50";
    ids[99] = "51";
    const counting = countingKv();
    const send = () =>
      call(
        "/audience",
        {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ product_ids: ids }),
        },
        { RECS: counting.kv },
      );
    const first = await json(await send());
    expect(first.count).toBe(6);
    expect(first.unknown_products).toHaveLength(98);
    const bulk = counting.reads.filter((r) => Array.isArray(r));
    expect(bulk).toHaveLength(1);
    expect(bulk[0]).toHaveLength(100);
    expect(counting.reads.filter((r) => !Array.isArray(r))).toEqual(["meta/current"]);
    counting.reads.length = 0;
    expect((await json(await send())).count).toBe(6);
    expect(counting.reads).toEqual([]);
  });
});

describe("a changed value under the same key", () => {
  it("is merged as it now reads, not as first parsed", async () => {
    expect(rows(await json(await post({ product_ids: [50], n: 1 })))).toEqual([[1, 0.9, 50]]);
    await store("50", [[77, 0.99]]);
    resetStoreCache();
    expect(rows(await json(await post({ product_ids: [50], n: 1 })))).toEqual([[77, 0.99, 50]]);
  });
});

describe("GET /audience", () => {
  it("answers as POST does", async () => {
    const viaGet = await json(await call("/audience?products=50,51,777&n=5&holdout_pct=10&campaign=spring"));
    const viaPost = await json(
      await post({ product_ids: [50, 51, 777], n: 5, holdout_pct: 10, campaign: "spring" }),
    );
    expect(viaGet).toEqual(viaPost);
  });

  it("downloads CSV", async () => {
    const res = await call("/audience?products=50&format=csv&campaign=spring");
    expect(await res.text()).toBe(
      "customer_id,score,rank,product_id,holdout\n1,0.9,1,50,false\n2,0.8,2,50,false\n3,0.5,3,50,false\n",
    );
  });
});

describe("/audience errors", () => {
  const tooMany = Array.from({ length: 101 }, (_, i) => i + 1);

  it("413 for more than 100 products", async () => {
    const viaPost = await post({ product_ids: tooMany });
    expect(viaPost.status).toBe(413);
    expect((await errorOf(viaPost)).code).toBe("too_many_products");
    const viaGet = await call(`/audience?products=${tooMany.join(",")}`);
    expect(viaGet.status).toBe(413);
    expect((await errorOf(viaGet)).code).toBe("too_many_products");
  });

  it("413 payload_too_large for a body over 64 KB, before it is parsed", async () => {
    const res = await post(JSON.stringify({ product_ids: [50], pad: "x".repeat(70_000) }));
    expect(res.status).toBe(413);
    const error = await errorOf(res);
    expect(error.code).toBe("payload_too_large");
    expect(error.message).toContain(`${64 * 1024} bytes`);
  });

  it.each([
    [{ product_ids: [50, "a b"] }, "invalid_product_ids", "product_ids[1]"],
    [{ product_ids: [] }, "invalid_product_ids", "product_ids"],
    [{ product_ids: [50], n: 0 }, "invalid_n", "n"],
    [{ product_ids: [50], n: 1001 }, "invalid_n", "n"],
    [{ product_ids: [50], n: 2.5 }, "invalid_n", "n"],
    [{ product_ids: [50], holdout_pct: 50.5 }, "invalid_holdout_pct", "holdout_pct"],
    [{ product_ids: [50], holdout_pct: -1 }, "invalid_holdout_pct", "holdout_pct"],
    [{ product_ids: [50], holdout_pct: "10" }, "invalid_holdout_pct", "holdout_pct"],
    [{ product_ids: [50], campaign: "spring sale" }, "invalid_campaign", "campaign"],
    [{ product_ids: [50], campaign: "" }, "invalid_campaign", "campaign"],
  ])("POST %j is 422 %s naming %s", async (body, code, field) => {
    const res = await post(body);
    expect(res.status).toBe(422);
    const error = await errorOf(res);
    expect(error.code).toBe(code);
    expect(error.message.startsWith(`${field}:`)).toBe(true);
  });

  it.each([
    ["products=50,,51", "invalid_products", "products[1]"],
    ["products=50,a%20b", "invalid_products", "products[1]"],
    ["n=5", "invalid_products", "products"],
    ["products=50&n=1001", "invalid_n", "n"],
    ["products=50&n=1e2", "invalid_n", "n"],
    ["products=50&holdout_pct=51", "invalid_holdout_pct", "holdout_pct"],
    ["products=50&holdout_pct=-1", "invalid_holdout_pct", "holdout_pct"],
    ["products=50&campaign=a%2Fb", "invalid_campaign", "campaign"],
    ["products=50&format=xml", "invalid_format", "format"],
  ])("GET ?%s is 422 %s naming %s", async (query, code, field) => {
    const res = await call(`/audience?${query}`);
    expect(res.status).toBe(422);
    const error = await errorOf(res);
    expect(error.code).toBe(code);
    expect(error.message.startsWith(field)).toBe(true);
  });

  it("400 for malformed JSON, never a 500", async () => {
    const res = await post("{product_ids: [50");
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe("malformed_request");
  });
});

describe("/audience in /openapi.json", () => {
  it("documents both methods with the limits the schemas enforce and the answer's fields", async () => {
    type Schema = { properties: Record<string, Record<string, unknown>>; required?: string[] };
    const doc = (await (await call("/openapi.json")).json()) as {
      paths: Record<string, Record<string, { parameters?: { name: string }[] }>>;
      components: { schemas: Record<string, Schema> };
    };
    expect(Object.keys(doc.paths["/audience"]).sort()).toEqual(["get", "post"]);
    expect(doc.paths["/audience"].get.parameters?.map((p) => p.name).sort()).toEqual([
      "campaign",
      "format",
      "holdout_pct",
      "n",
      "products",
    ]);
    const request = doc.components.schemas.AudienceRequest.properties;
    expect(request.product_ids.maxItems).toBe(100);
    expect(request.n).toMatchObject({ minimum: 1, maximum: 1000, default: 100 });
    expect(request.holdout_pct).toMatchObject({ minimum: 0, maximum: 50, default: 0 });
    expect(Object.keys(doc.components.schemas.CampaignResponse.properties)).toEqual(CAMPAIGN_FIELDS);
    expect(Object.keys(doc.components.schemas.CampaignRecommendation.properties)).toEqual([
      "customer_id",
      "score",
      "rank",
      "product_id",
      "holdout",
    ]);
  });
});
