// Every route of the HTTP contract and the statuses it can answer with.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { keys, POINTER_KEY, type RecommendationResponse } from "../../worker/contract.js";
import { resetStoreCache } from "../../worker/store.js";
import { call, countingKv, errorOf, failingKv, KNOWN, seed, storedBody, VERSION } from "./fixtures.js";

describe("GET /recommend/:productId", () => {
  beforeEach(() => seed());

  it("serves a known product's exact variant as stored, with the model version header", async () => {
    const res = await call(`/recommend/${KNOWN}?n=5`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(res.headers.get("x-model-version")).toBe(VERSION);
    expect(await res.text()).toBe(storedBody(42, 5));
  });

  it("defaults n to 10", async () => {
    const body = (await (await call(`/recommend/${KNOWN}`)).json()) as RecommendationResponse;
    expect(body.count).toBe(10);
    expect(body.recommendations).toHaveLength(10);
  });

  it("cuts an n that is not a variant from the next larger one (7 from 10)", async () => {
    const body = (await (await call(`/recommend/${KNOWN}?n=7`)).json()) as RecommendationResponse;
    expect(body.count).toBe(7);
    expect(body.recommendations.map((r) => r.customer_id)).toEqual([100, 101, 102, 103, 104, 105, 106]);
    expect(body.recommendations.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(body).toMatchObject({ product_id: 42, fallback: false, model_version: VERSION });
  });

  it("cuts 11 from the 20 variant, keeping the order and scores", async () => {
    const body = (await (await call(`/recommend/${KNOWN}?n=11`)).json()) as RecommendationResponse;
    expect(body.count).toBe(11);
    expect(body.recommendations[10]).toEqual({ customer_id: 110, score: 0.9, rank: 11 });
  });

  it("answers an unknown product with the fallback audience, its own id and fallback: true", async () => {
    const res = await call("/recommend/777?n=5");
    expect(res.status).toBe(200);
    const body = (await res.json()) as RecommendationResponse;
    expect(body.product_id).toBe(777);
    expect(body.fallback).toBe(true);
    expect(body.note).toBe("fallback note");
    expect(body.recommendations.map((r) => r.customer_id)).toEqual([900, 901, 902, 903, 904]);
  });

  it("downloads CSV with ?format=csv", async () => {
    const res = await call(`/recommend/${KNOWN}?n=5&format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="audience-42-5.csv"');
    expect(await res.text()).toBe(
      "customer_id,score,rank\n100,1,1\n101,0.99,2\n102,0.98,3\n103,0.97,4\n104,0.96,5\n",
    );
  });

  it("downloads CSV for Accept: text/csv, and a fallback as CSV too", async () => {
    const res = await call("/recommend/777?n=5", { headers: { accept: "text/csv" } });
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect((await res.text()).split("\n")[1]).toBe("900,1,1");
  });

  it("negotiates the format by Accept's q-values: a refused or less preferred CSV is JSON", async () => {
    const typeFor = async (accept: string) =>
      (await call(`/recommend/${KNOWN}?n=5`, { headers: { accept } })).headers.get("content-type");
    const json = "application/json; charset=utf-8";
    const csv = "text/csv; charset=utf-8";
    expect(await typeFor("text/csv;q=0")).toBe(json);
    expect(await typeFor("text/csv;q=0, */*")).toBe(json);
    expect(await typeFor("text/csv;q=0.2, application/json")).toBe(json);
    expect(await typeFor("application/json;q=0.5, text/csv")).toBe(csv);
    expect(await typeFor("text/html,application/xhtml+xml,*/*;q=0.8")).toBe(json);
    // ?format decides over Accept.
    const res = await call(`/recommend/${KNOWN}?n=5&format=json`, { headers: { accept: "text/csv" } });
    expect(res.headers.get("content-type")).toBe(json);
  });

  it("treats a pointer that breaks the contract as no model, reading no key from it", async () => {
    const { kv, reads } = countingKv();
    for (const bad of [
      '{"version":"../../x","variants":[5],"generated_at":"x","products":1,"id_type":"number"}',
      '{"version":"20261126T164500Z-3fa2c1","variants":[]}',
      "not json",
    ]) {
      await env.RECS.put(POINTER_KEY, bad);
      resetStoreCache();
      reads.length = 0;
      const res = await call(`/recommend/${KNOWN}`, undefined, { RECS: kv });
      expect(res.status, bad).toBe(503);
      expect((await errorOf(res)).code).toBe("no_model");
      expect(reads).toEqual([POINTER_KEY]);
    }
  });

  it("is 503 with Retry-After when no model is published", async () => {
    await env.RECS.delete(POINTER_KEY);
    resetStoreCache();
    const res = await call(`/recommend/${KNOWN}`);
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("60");
    expect(await errorOf(res)).toMatchObject({ code: "no_model" });
  });
});

describe("POST /recommend/batch", () => {
  beforeEach(() => seed());

  const post = (body: unknown, headers: Record<string, string> = { "content-type": "application/json" }) =>
    call("/recommend/batch", {
      method: "POST",
      headers,
      body: typeof body === "string" ? body : JSON.stringify(body),
    });

  it("mixes known and unknown products, in order, string or number ids", async () => {
    const res = await post({ product_ids: [42, "777", "43"], n: 5 });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-model-version")).toBe(VERSION);
    const { results } = (await res.json()) as { results: RecommendationResponse[] };
    expect(results.map((r) => [r.product_id, r.fallback, r.count])).toEqual([
      [42, false, 5],
      [777, true, 5],
      [43, false, 5],
    ]);
    expect(results[2].recommendations[0].customer_id).toBe(500);
    expect(results[1].recommendations[0].customer_id).toBe(900);
  });

  it("reads each distinct product once, in one bulk get, however often it is asked for", async () => {
    const { kv, reads } = countingKv();
    const res = await call(
      "/recommend/batch",
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ product_ids: [42, "777", 42, 777], n: 5 }),
      },
      { RECS: kv },
    );
    const { results } = (await res.json()) as { results: RecommendationResponse[] };
    expect(results.map((r) => r.product_id)).toEqual([42, 777, 42, 777]);
    expect(reads).toEqual([
      "meta/current",
      [keys.rec(VERSION, "42", 5), keys.rec(VERSION, "777", 5)],
      keys.fallback(VERSION, 5),
    ]);
  });

  it("joins the stored bodies byte for byte for an exact variant", async () => {
    const res = await post({ product_ids: ["42", "43"], n: 10 });
    expect(await res.text()).toBe(`{"results":[${storedBody(42, 10)},${storedBody(43, 10)}]}`);
  });

  it("defaults n to 10 and cuts other n", async () => {
    const { results } = (await (await post({ product_ids: ["42"] })).json()) as {
      results: RecommendationResponse[];
    };
    expect(results[0].count).toBe(10);
    const cut = (await (await post({ product_ids: ["42"], n: 3 })).json()) as {
      results: RecommendationResponse[];
    };
    expect(cut.results[0].recommendations.map((r) => r.customer_id)).toEqual([100, 101, 102]);
  });
});

describe("GET /products/sample", () => {
  beforeEach(() => seed());

  it("lists stored sample ids and the product count", async () => {
    // The fixture build stores no sample names: each product's name is null.
    expect(await (await call("/products/sample?n=1")).json()).toEqual({
      sample_products: [42],
      products: [{ product_id: 42, product_name: null }],
      total_available: 2,
    });
    expect(await (await call("/products/sample")).json()).toEqual({
      sample_products: [42, 43],
      products: [
        { product_id: 42, product_name: null },
        { product_id: 43, product_name: null },
      ],
      total_available: 2,
    });
  });
});

describe("GET /health", () => {
  it("is healthy, fresh, open, with the build's age", async () => {
    await seed(new Date(Date.now() - 3600_000));
    const res = await call("/health");
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      status: "healthy",
      model_loaded: true,
      model_version: VERSION,
      products: 2,
      stale: false,
      stale_after_days: 10,
      auth: "open",
    });
    expect(body.age_seconds).toBeGreaterThanOrEqual(3600);
    expect(body.age_seconds).toBeLessThan(3700);
  });

  it("reports a build older than STALE_AFTER_DAYS as stale", async () => {
    await seed(new Date(Date.now() - 12 * 86_400_000));
    const body = (await (await call("/health")).json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: "healthy", stale: true });
    expect(body.reason).toContain("older than 10 days");
    const stricter = (await (await call("/health", undefined, { STALE_AFTER_DAYS: "20" })).json()) as Record<
      string,
      unknown
    >;
    expect(stricter).toMatchObject({ stale: false, stale_after_days: 20 });
  });

  it("is 503 unhealthy when nothing is published, and when KV fails", async () => {
    await env.RECS.delete(POINTER_KEY);
    resetStoreCache();
    const none = await call("/health");
    expect(none.status).toBe(503);
    expect(none.headers.get("retry-after")).toBe("60");
    expect(await none.json()).toMatchObject({
      status: "unhealthy",
      model_loaded: false,
      reason: "no model has been published",
    });
    const down = await call("/health", undefined, { RECS: failingKv });
    expect(down.status).toBe(503);
    expect(down.headers.get("retry-after")).toBe("5");
    expect(await down.json()).toMatchObject({ status: "unhealthy", reason: "KV is unavailable" });
  });
});

describe("GET /metrics", () => {
  beforeEach(() => seed());

  it("describes the live build", async () => {
    const body = (await (await call("/metrics")).json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      model_version: VERSION,
      available_products: 2,
      cached_recommendations: 6,
      variants: [5, 10, 20],
      id_type: "number",
    });
  });
});

describe("GET /", () => {
  beforeEach(() => seed());

  it("answers JSON by default, naming the endpoints and the live model", async () => {
    const res = await call("/");
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const body = (await res.json()) as { model_version: string; endpoints: Record<string, string> };
    expect(body.model_version).toBe(VERSION);
    expect(Object.keys(body.endpoints)).toEqual([
      "recommend",
      "batch",
      "sample",
      "search",
      "audience",
      "health",
      "metrics",
      "openapi",
    ]);
  });

  it("serves the demo page to browsers, with a nonce CSP that matches the page's inline script", async () => {
    const res = await call("/", { headers: { accept: "text/html,application/xhtml+xml,*/*;q=0.8" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const csp = res.headers.get("content-security-policy") ?? "";
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(await res.text()).toContain(`<script nonce="${nonce}">`);
  });
});

describe("GET /openapi.json", () => {
  it("documents every route with the schemas that validate them", async () => {
    const doc = (await (await call("/openapi.json")).json()) as {
      openapi: string;
      paths: Record<
        string,
        Record<string, { parameters?: { name: string; schema: Record<string, unknown> }[] }>
      >;
      components: { schemas: Record<string, { properties: Record<string, Record<string, unknown>> }> };
    };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths).sort()).toEqual([
      "/",
      "/audience",
      "/health",
      "/metrics",
      "/products/sample",
      "/products/search",
      "/recommend/batch",
      "/recommend/{productId}",
    ]);
    const idParam = doc.paths["/recommend/{productId}"].get.parameters?.find((p) => p.name === "productId");
    expect(idParam?.schema.pattern).toBe("^[A-Za-z0-9._-]{1,64}$");
    expect(doc.components.schemas.BatchRequest.properties.product_ids.maxItems).toBe(100);
    expect(doc.components.schemas.BatchRequest.properties.explain.type).toBe("boolean");
    const search = doc.paths["/products/search"].get.parameters ?? [];
    expect(search.map((p) => p.name).sort()).toEqual(["limit", "q"]);
    expect(search.find((p) => p.name === "limit")?.schema.maximum).toBe(50);
    const recommend = doc.paths["/recommend/{productId}"].get.parameters ?? [];
    expect(recommend.find((p) => p.name === "explain")?.schema.enum).toEqual(["true", "false"]);
    expect(doc.components.schemas.Reason.properties.kind.enum).toEqual([
      "similar_product",
      "shared_words",
      "engaged",
    ]);
  });
});

describe("unknown routes and methods", () => {
  it("are JSON 404s", async () => {
    for (const [method, path] of [
      ["GET", "/nope"],
      ["DELETE", "/health"],
      ["POST", "/recommend/42"],
    ]) {
      const res = await call(path, { method });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(await errorOf(res)).toMatchObject({ code: "not_found" });
    }
  });
});
