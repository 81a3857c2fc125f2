import { env, exports } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { keys, POINTER_KEY, type Pointer, type RecommendationResponse } from "../../worker/contract.js";
import { resetStoreCache } from "../../worker/store.js";

const version = "20261126T164500Z-3fa2c1";
const pointer: Pointer = { version, generated_at: "2026-11-26T16:45:00Z", variants: [5, 10], products: 1, id_type: "number" };

function body(productId: number | null, n: number, fallback: boolean): string {
  const recs = Array.from({ length: n }, (_, i) => ({ customer_id: 100 + i, score: 1 - i / 100, rank: i + 1 }));
  return JSON.stringify({
    product_id: productId,
    recommendations: recs,
    count: n,
    model_version: version,
    generated_at: pointer.generated_at,
    fallback,
    note: fallback ? "fallback" : "ranked",
  });
}

async function seed(): Promise<void> {
  await env.RECS.put(POINTER_KEY, JSON.stringify(pointer));
  for (const n of [5, 10]) {
    await env.RECS.put(keys.rec(version, "42", n), body(42, n, false));
    await env.RECS.put(keys.fallback(version, n), body(null, n, true));
  }
  await env.RECS.put(keys.sample(version), JSON.stringify([42]));
}

const get = (path: string) => exports.default.fetch(new Request(`http://worker${path}`));

describe("worker skeleton", () => {
  beforeEach(async () => {
    resetStoreCache();
    await seed();
  });

  it("serves an exact variant as stored", async () => {
    const res = await get("/recommend/42?n=5");
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(body(42, 5, false));
  });

  it("cuts a non-variant n from the next larger variant", async () => {
    const res = await get("/recommend/42?n=7");
    const json = (await res.json()) as RecommendationResponse;
    expect(json.count).toBe(7);
    expect(json.recommendations.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("answers an unknown product with the flagged fallback and its own id", async () => {
    const json = (await (await get("/recommend/777?n=5")).json()) as RecommendationResponse;
    expect(json).toMatchObject({ product_id: 777, fallback: true, count: 5 });
  });

  it("rejects a bad n with 422 and an error body", async () => {
    const res = await get("/recommend/42?n=11");
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ error: { code: "invalid_n" } });
  });

  it("reports health from the pointer and 503 when nothing is published", async () => {
    expect(await (await get("/health")).json()).toMatchObject({ status: "healthy", model_version: version });
    await env.RECS.delete(POINTER_KEY);
    resetStoreCache();
    const res = await get("/health");
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: "unhealthy" });
  });

  it("unknown routes are JSON 404s", async () => {
    const res = await get("/nope");
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: "not_found" } });
  });
});
