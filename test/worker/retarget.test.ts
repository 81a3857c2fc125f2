// audience=retarget: the stored list per product, "known, none" against "unknown", the
// 422 for any other audience, CSV, ETags and the batch route.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { keys, NOTES, type RecommendationResponse } from "../../worker/contract.js";
import { resetStoreCache } from "../../worker/store.js";
import { call, errorOf, KNOWN, OTHER_KNOWN, seed, storedBody, VARIANTS, VERSION } from "./fixtures.js";

/** Twelve retarget customers 7000.. for KNOWN, scores 0.9, 0.85, …; OTHER_KNOWN has none. */
const RETARGET = JSON.stringify({
  product_id: 42,
  recommendations: Array.from({ length: 12 }, (_, i) => ({
    customer_id: 7000 + i,
    score: Math.round((0.9 - i * 0.05) * 100) / 100,
    rank: i + 1,
  })),
  count: 12,
  model_version: VERSION,
  generated_at: "2026-11-26T16:45:00.000Z",
  fallback: false,
  note: NOTES.retarget,
});

async function seedRetarget(): Promise<void> {
  await seed();
  await env.RECS.put(keys.retarget(VERSION, KNOWN), RETARGET);
  resetStoreCache();
}

const json = async (path: string) => {
  const res = await call(path);
  expect(res.status).toBe(200);
  return (await res.json()) as RecommendationResponse;
};

describe("GET /recommend/:productId?audience=retarget", () => {
  beforeEach(seedRetarget);

  it("serves the stored list as stored when it holds no more than n", async () => {
    const res = await call(`/recommend/${KNOWN}?audience=retarget&n=20`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await res.text()).toBe(RETARGET);
  });

  it("cuts to n (default 10), keeping order, scores and ranks", async () => {
    const body = await json(`/recommend/${KNOWN}?audience=retarget`);
    expect(body.count).toBe(10);
    expect(body.recommendations.map((r) => r.customer_id)).toEqual([
      7000, 7001, 7002, 7003, 7004, 7005, 7006, 7007, 7008, 7009,
    ]);
    expect(body.recommendations[3]).toEqual({ customer_id: 7003, score: 0.75, rank: 4 });
    expect((await json(`/recommend/${KNOWN}?audience=retarget&n=3`)).count).toBe(3);
  });

  it("a known product with nobody to retarget: 200, count 0, fallback false, a note, its name", async () => {
    // The name comes from the product's own stored audience.
    for (const n of VARIANTS) {
      const own = JSON.parse(storedBody(43, n)) as Record<string, unknown>;
      await env.RECS.put(
        keys.rec(VERSION, OTHER_KNOWN, n),
        JSON.stringify({ ...own, product_name: "Acme Rocket 2" }),
      );
    }
    resetStoreCache();
    const body = await json(`/recommend/${OTHER_KNOWN}?audience=retarget`);
    expect(body).toEqual({
      product_id: 43,
      product_name: "Acme Rocket 2",
      recommendations: [],
      count: 0,
      model_version: VERSION,
      generated_at: expect.any(String),
      fallback: false,
      note: NOTES.retargetNone,
    });
  });

  it("an unknown product: 200, count 0, fallback true", async () => {
    const body = await json("/recommend/777?audience=retarget");
    expect(body).toMatchObject({
      product_id: 777,
      product_name: null,
      count: 0,
      recommendations: [],
      fallback: true,
    });
    expect(body.note).toBe(NOTES.retargetUnknown);
  });

  it("audience=prospects is today's answer, byte for byte", async () => {
    const res = await call(`/recommend/${KNOWN}?audience=prospects&n=5`);
    expect(await res.text()).toBe(storedBody(42, 5));
  });

  it("any other audience is 422 invalid_audience, naming the field", async () => {
    for (const value of ["retargeting", "", "RETARGET"]) {
      const res = await call(`/recommend/${KNOWN}?audience=${value}`);
      expect(res.status, value).toBe(422);
      const error = await errorOf(res);
      expect(error.code).toBe("invalid_audience");
      expect(error.message).toMatch(/^audience: /);
    }
  });

  it("downloads CSV, and has its own ETag (304 on a match)", async () => {
    const res = await call(`/recommend/${KNOWN}?audience=retarget&n=2&format=csv`);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(await res.text()).toBe("customer_id,score,rank\n7000,0.9,1\n7001,0.85,2\n");
    const tag = (await call(`/recommend/${KNOWN}?audience=retarget`)).headers.get("etag")!;
    const prospectsTag = (await call(`/recommend/${KNOWN}`)).headers.get("etag");
    expect(tag).not.toBe(prospectsTag);
    const again = await call(`/recommend/${KNOWN}?audience=retarget`, { headers: { "If-None-Match": tag } });
    expect(again.status).toBe(304);
  });
});

describe("POST /recommend/batch with audience", () => {
  beforeEach(seedRetarget);

  const batch = (body: unknown) =>
    call("/recommend/batch", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  it("answers retarget per product, in order: a list, known-none, unknown", async () => {
    const res = await batch({ product_ids: [42, "43", 777], n: 20, audience: "retarget" });
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as { results: RecommendationResponse[] };
    expect(results.map((r) => [r.product_id, r.count, r.fallback])).toEqual([
      [42, 12, false],
      [43, 0, false],
      [777, 0, true],
    ]);
  });

  it("rejects another audience with 422", async () => {
    const res = await batch({ product_ids: [42], audience: "everyone" });
    expect(res.status).toBe(422);
    expect((await errorOf(res)).code).toBe("invalid_audience");
  });
});
