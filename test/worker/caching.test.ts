// The isolate cache, KV failure, ETag/304, Cache-Control, CORS, security headers and the
// exact-variant path that never parses JSON.
import { waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { keys, POINTER_KEY } from "../../worker/contract.js";
import { resetStoreCache } from "../../worker/store.js";
import {
  call,
  callInContext,
  countingKv,
  errorOf,
  failingKv,
  gatedKv,
  KNOWN,
  pointerFor,
  seed,
  storedBody,
  VERSION,
} from "./fixtures.js";

const NEXT_VERSION = "20261127T100000Z-0a0b0c";

describe("exact variant", () => {
  beforeEach(() => seed());
  afterEach(() => vi.restoreAllMocks());

  it("is returned as stored: bytes that any JSON round trip would change survive, and JSON.parse never sees them", async () => {
    // Spaces, 1.0 and a key order no serializer here would produce.
    const odd = `{ "note":"as stored" , "product_id": 42,"recommendations":[{"rank":1,"score":1.0,"customer_id":7}],"count":1,"model_version":"${VERSION}","generated_at":"x","fallback":false }`;
    await env.RECS.put(keys.rec(VERSION, KNOWN, 5), odd);
    resetStoreCache();
    const parse = vi.spyOn(JSON, "parse");
    const res = await call(`/recommend/${KNOWN}?n=5`);
    expect(await res.text()).toBe(odd);
    expect(parse.mock.calls.some(([text]) => text === odd)).toBe(false);
  });

  it("is parsed (and re-serialized) only when n must be cut", async () => {
    const odd = `{ "product_id": 42,"recommendations":[{"customer_id":7,"score":1.0,"rank":1},{"customer_id":8,"score":0.5,"rank":2}],"count":2,"model_version":"${VERSION}","generated_at":"x","fallback":false,"note":"n" }`;
    await env.RECS.put(keys.rec(VERSION, KNOWN, 5), odd);
    resetStoreCache();
    expect(await (await call(`/recommend/${KNOWN}?n=1`)).text()).toBe(
      `{"product_id":42,"recommendations":[{"customer_id":7,"score":1,"rank":1}],"count":1,"model_version":"${VERSION}","generated_at":"x","fallback":false,"note":"n"}`,
    );
  });
});

describe("isolate cache", () => {
  beforeEach(() => seed());

  it("serves a repeated request without touching KV", async () => {
    const { kv, reads } = countingKv();
    await call(`/recommend/${KNOWN}?n=5`, undefined, { RECS: kv });
    expect(reads).toEqual(["meta/current", keys.rec(VERSION, KNOWN, 5)]);
    const again = await call(`/recommend/${KNOWN}?n=5`, undefined, { RECS: kv });
    expect(again.status).toBe(200);
    expect(reads).toHaveLength(2);
  });

  it("remembers misses too, so unknown products stay cheap", async () => {
    const { kv, reads } = countingKv();
    await call("/recommend/777?n=5", undefined, { RECS: kv });
    expect(reads).toEqual(["meta/current", keys.rec(VERSION, "777", 5), keys.fallback(VERSION, 5)]);
    await call("/recommend/777?n=5", undefined, { RECS: kv });
    expect(reads).toHaveLength(3);
  });

  it("keeps a value for CACHE_TTL_SECONDS, and not at all when it is 0", async () => {
    const { kv, reads } = countingKv();
    await call(`/recommend/${KNOWN}?n=5`, undefined, { RECS: kv, CACHE_TTL_SECONDS: "0" });
    await call(`/recommend/${KNOWN}?n=5`, undefined, { RECS: kv, CACHE_TTL_SECONDS: "0" });
    expect(reads).toHaveLength(4);
  });

  it("keeps a versioned value with no expiry: an hour later only the pointer is read again", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(new Date("2026-11-27T10:00:00Z"));
      const { kv, reads } = countingKv();
      await call(`/recommend/${KNOWN}?n=5`, undefined, { RECS: kv, CACHE_TTL_SECONDS: "10" });
      vi.setSystemTime(new Date("2026-11-27T10:00:09Z"));
      await call(`/recommend/${KNOWN}?n=5`, undefined, { RECS: kv, CACHE_TTL_SECONDS: "10" });
      expect(reads).toEqual(["meta/current", keys.rec(VERSION, KNOWN, 5)]);
      vi.setSystemTime(new Date("2026-11-27T11:00:00Z"));
      const { response, ctx } = await callInContext(`/recommend/${KNOWN}?n=5`, undefined, {
        RECS: kv,
        CACHE_TTL_SECONDS: "10",
      });
      expect(response.status).toBe(200);
      await waitOnExecutionContext(ctx);
      // The refreshed pointer names the same version: its values are still held.
      await call(`/recommend/${KNOWN}?n=5`, undefined, { RECS: kv, CACHE_TTL_SECONDS: "10" });
      expect(reads).toEqual(["meta/current", keys.rec(VERSION, KNOWN, 5), "meta/current"]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("serves the current pointer while a stale one is refreshed in the background (waitUntil)", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(new Date("2026-11-27T10:00:00Z"));
      const gated = gatedKv();
      const settings = { RECS: gated.kv, CACHE_TTL_SECONDS: "10" };
      expect(
        (await call(`/recommend/${KNOWN}?n=5`, undefined, settings)).headers.get("x-model-version"),
      ).toBe(VERSION);
      // A new build goes live in KV, and KV turns slow.
      await env.RECS.put(keys.rec(NEXT_VERSION, KNOWN, 5), storedBody(42, 5));
      await env.RECS.put(POINTER_KEY, JSON.stringify({ ...pointerFor(new Date()), version: NEXT_VERSION }));
      gated.close();
      vi.setSystemTime(new Date("2026-11-27T10:00:11Z"));
      const pending = callInContext(`/recommend/${KNOWN}?n=5`, undefined, settings);
      const answered = await Promise.race([
        pending,
        new Promise<"waited for KV">((resolve) => setTimeout(() => resolve("waited for KV"), 2000)),
      ]);
      if (answered === "waited for KV") throw new Error("the request waited for the pointer's refresh");
      expect(answered.response.headers.get("x-model-version")).toBe(VERSION);
      // The refresh is under way, and in the runtime's hands so that it outlives the response.
      expect(gated.reads.at(-1)).toBe("meta/current");
      expect(answered.deferred).toHaveLength(1);
      gated.open();
      await waitOnExecutionContext(answered.ctx);
      const next = await call(`/recommend/${KNOWN}?n=5`, undefined, settings);
      expect(next.headers.get("x-model-version")).toBe(NEXT_VERSION);
    } finally {
      vi.useRealTimers();
    }
  });

  it("lets concurrent misses of one key share one KV read", async () => {
    const gated = gatedKv();
    gated.close();
    const pending = Array.from({ length: 20 }, () =>
      call(`/recommend/${KNOWN}?n=5`, undefined, { RECS: gated.kv }),
    );
    // Let every request reach its read of the pointer before KV answers.
    await new Promise((resolve) => setTimeout(resolve, 50));
    gated.open();
    const responses = await Promise.all(pending);
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(gated.reads).toEqual(["meta/current", keys.rec(VERSION, KNOWN, 5)]);
  });
});

describe("KV failure", () => {
  beforeEach(() => resetStoreCache());

  it("is a 503 kv_unavailable with Retry-After on every data route", async () => {
    for (const [path, init] of [
      [`/recommend/${KNOWN}`, undefined],
      ["/products/sample", undefined],
      ["/metrics", undefined],
      [
        "/recommend/batch",
        { method: "POST", headers: { "content-type": "application/json" }, body: '{"product_ids":[42]}' },
      ],
    ] as const) {
      const res = await call(path, init, { RECS: failingKv });
      expect(res.status, path).toBe(503);
      expect(res.headers.get("retry-after")).toBe("5");
      const error = await errorOf(res);
      expect(error.code).toBe("kv_unavailable");
      expect(error.message).not.toContain("500 Internal Server Error");
    }
  });

  it("fails a batch's bulk get as a 503 too", async () => {
    await seed();
    const bulkFails = {
      get: (key: string | string[], options?: unknown) =>
        Array.isArray(key)
          ? Promise.reject(new Error("bulk failed"))
          : (env.RECS.get as (k: unknown, o: unknown) => Promise<unknown>)(key, options),
    } as unknown as KVNamespace;
    const res = await call(
      "/recommend/batch",
      { method: "POST", headers: { "content-type": "application/json" }, body: '{"product_ids":[42]}' },
      { RECS: bulkFails },
    );
    expect(res.status).toBe(503);
  });

  it("an unexpected error is a 500 with the error body and no details", async () => {
    await seed();
    await env.RECS.put(keys.rec(VERSION, KNOWN, 10), "{corrupt");
    resetStoreCache();
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const res = await call(`/recommend/${KNOWN}?n=7`);
    expect(res.status).toBe(500);
    // The log line carries the request id the client was given.
    const line = JSON.parse(String(logged.mock.calls[0][0])) as { level: string; request_id: string };
    expect(line).toMatchObject({ level: "error", request_id: res.headers.get("x-request-id") });
    vi.restoreAllMocks();
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({
      error: { code: "internal_error", message: "Internal error; quote the X-Request-Id when reporting it." },
    });
    expect(text).not.toMatch(/SyntaxError|JSON/);
  });
});

describe("ETag and HTTP caching", () => {
  beforeEach(() => seed());

  it("tags a response with version, product and n, and answers a matching If-None-Match with 304", async () => {
    const first = await call(`/recommend/${KNOWN}?n=5`);
    expect(first.headers.get("etag")).toBe(`"${VERSION}/42/5"`);
    expect(first.headers.get("cache-control")).toBe("public, max-age=60");
    const { kv, reads } = countingKv();
    const again = await call(
      `/recommend/${KNOWN}?n=5`,
      { headers: { "if-none-match": `"other", W/"${VERSION}/42/5"` } },
      { RECS: kv },
    );
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    expect(again.headers.get("etag")).toBe(`"${VERSION}/42/5"`);
    expect(again.headers.get("x-model-version")).toBe(VERSION);
    // Only the pointer was needed to decide.
    expect(reads).toEqual(["meta/current"]);
  });

  it("answers 200 when the tag differs (another n, another version, CSV)", async () => {
    expect(
      (await call(`/recommend/${KNOWN}?n=10`, { headers: { "if-none-match": `"${VERSION}/42/5"` } })).status,
    ).toBe(200);
    expect(
      (
        await call(`/recommend/${KNOWN}?n=5`, {
          headers: { "if-none-match": `"20250101T000000Z-000000/42/5"` },
        })
      ).status,
    ).toBe(200);
    const csv = await call(`/recommend/${KNOWN}?n=5&format=csv`, {
      headers: { "if-none-match": `"${VERSION}/42/5"` },
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get("etag")).toBe(`"${VERSION}/42/5/csv"`);
  });

  it("takes max-age from CACHE_MAX_AGE_SECONDS", async () => {
    const res = await call(`/recommend/${KNOWN}`, undefined, { CACHE_MAX_AGE_SECONDS: "300" });
    expect(res.headers.get("cache-control")).toBe("public, max-age=300");
    expect(res.headers.get("vary")).toBe("Accept");
  });
});

describe("CORS, security headers, request ids", () => {
  beforeEach(() => seed());

  it("allows only the configured origins", async () => {
    const only = { CORS_ORIGINS: "https://tools.example.com, https://crm.example.com" };
    const ok = await call(`/recommend/${KNOWN}`, { headers: { origin: "https://crm.example.com" } }, only);
    expect(ok.headers.get("access-control-allow-origin")).toBe("https://crm.example.com");
    expect(ok.headers.get("access-control-expose-headers")).toContain("X-Model-Version");
    expect(ok.headers.get("vary")).toBe("Origin, Accept");
    const other = await call(
      `/recommend/${KNOWN}`,
      { headers: { origin: "https://evil.example.net" } },
      only,
    );
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    const any = await call(
      `/recommend/${KNOWN}`,
      { headers: { origin: "https://anyone.example.org" } },
      { CORS_ORIGINS: "*" },
    );
    expect(any.headers.get("access-control-allow-origin")).toBe("*");
    const off = await call(
      `/recommend/${KNOWN}`,
      { headers: { origin: "https://crm.example.com" } },
      { CORS_ORIGINS: "" },
    );
    expect(off.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("answers a preflight without a key, even when keys are required", async () => {
    const res = await call(
      `/recommend/${KNOWN}`,
      {
        method: "OPTIONS",
        headers: {
          origin: "https://crm.example.com",
          "access-control-request-method": "GET",
          "access-control-request-headers": "x-api-key",
        },
      },
      { CORS_ORIGINS: "https://crm.example.com", API_KEYS: "k1" },
    );
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-headers")).toContain("X-API-Key");
  });

  it("sends security headers and a request id on every response, keeping a sane incoming one", async () => {
    for (const res of [await call(`/recommend/${KNOWN}`), await call("/nope"), await call("/health")]) {
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      // A header for documents (the demo page carries it), not for JSON.
      expect(res.headers.get("referrer-policy")).toBeNull();
      expect(res.headers.get("x-xss-protection")).toBeNull();
      expect(res.headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
      expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    }
    const traced = await call("/health", { headers: { "x-request-id": "trace-123" } });
    expect(traced.headers.get("x-request-id")).toBe("trace-123");
    const hostile = await call("/health", { headers: { "x-request-id": "a b<script>" } });
    expect(hostile.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});
