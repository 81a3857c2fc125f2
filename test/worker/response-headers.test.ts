// The audience route builds its responses from one plain header record (baseHeaders);
// every other response gets the same record added after the route. Both ways must give
// every response the request id, the security headers and CORS.

import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { POINTER_KEY } from "../../worker/contract.js";
import { resetStoreCache } from "../../worker/store.js";
import { call, KNOWN, seed, VERSION } from "./fixtures.js";

// Written out by hand: what docs/api.md promises.
const SECURITY = {
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
  "strict-transport-security": "max-age=15552000; includeSubDomains",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
};

function expectBase(res: Response, what: string): void {
  for (const [name, value] of Object.entries(SECURITY))
    expect(res.headers.get(name), `${what}: ${name}`).toBe(value);
  // Left out on purpose: it would change nothing for CORS reads (docs/api.md).
  expect(res.headers.get("cross-origin-resource-policy"), what).toBeNull();
  expect(res.headers.get("x-request-id"), what).toMatch(/^[0-9a-f-]{36}$/);
}

describe("headers on every response of GET /recommend", () => {
  beforeEach(() => seed());

  it("a 200, a 304 and a CSV download carry the base headers and their own", async () => {
    const ok = await call(`/recommend/${KNOWN}?n=5`);
    expect(ok.status).toBe(200);
    expectBase(ok, "200");
    expect(ok.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(ok.headers.get("etag")).toBe(`"${VERSION}/42/5"`);
    expect(ok.headers.get("vary")).toBe("Accept");

    const notModified = await call(`/recommend/${KNOWN}?n=5`, {
      headers: { "if-none-match": `"${VERSION}/42/5"` },
    });
    expect(notModified.status).toBe(304);
    expectBase(notModified, "304");
    expect(notModified.headers.get("x-model-version")).toBe(VERSION);
    expect(notModified.headers.get("cache-control")).toBe("public, max-age=60");
    expect(notModified.headers.get("vary")).toBe("Accept");

    const csv = await call(`/recommend/${KNOWN}?n=5&format=csv`);
    expectBase(csv, "csv");
    expect(csv.headers.get("content-disposition")).toBe('attachment; filename="audience-42-5.csv"');
  });

  it("errors on the route carry the base headers but no audience headers", async () => {
    const invalid = await call("/recommend/a%2Fb");
    expect(invalid.status).toBe(422);
    expectBase(invalid, "422");
    expect(invalid.headers.get("etag")).toBeNull();
    expect(invalid.headers.get("x-model-version")).toBeNull();
    expect(invalid.headers.get("cache-control")).toBe("no-store");

    await env.RECS.delete(POINTER_KEY);
    resetStoreCache();
    const none = await call(`/recommend/${KNOWN}`);
    expect(none.status).toBe(503);
    expectBase(none, "503");
  });

  it("echoes a sane incoming request id on an audience, and replaces a hostile one", async () => {
    expect(
      (await call(`/recommend/${KNOWN}`, { headers: { "x-request-id": "job-7=retry" } })).headers.get(
        "x-request-id",
      ),
    ).toBe("job-7=retry");
    const long = "a".repeat(129);
    expect(
      (await call(`/recommend/${KNOWN}`, { headers: { "x-request-id": long } })).headers.get("x-request-id"),
    ).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("adds CORS to audiences as configured", async () => {
    const any = await call(
      `/recommend/${KNOWN}`,
      { headers: { origin: "https://a.example" } },
      { CORS_ORIGINS: "*" },
    );
    expect(any.headers.get("access-control-allow-origin")).toBe("*");
    expect(any.headers.get("access-control-expose-headers")).toBe(
      "ETag,X-Model-Version,X-Request-Id,Retry-After,Content-Disposition",
    );
    expect(any.headers.get("vary")).toBe("Accept");
  });
});

describe("headers on the other responses", () => {
  beforeEach(() => seed());

  it("merge Vary: Origin with the route's own Vary, once", async () => {
    const only = { CORS_ORIGINS: "https://crm.example.com" };
    const index = await call("/", { headers: { origin: "https://crm.example.com" } }, only);
    expect(index.headers.get("access-control-allow-origin")).toBe("https://crm.example.com");
    expect(index.headers.get("vary")).toBe("Origin, Accept");
    const health = await call("/health", { headers: { origin: "https://crm.example.com" } }, only);
    expect(health.headers.get("vary")).toBe("Origin");
    expectBase(health, "health");
  });

  it("a preflight carries the security headers and a request id", async () => {
    const res = await call(
      `/recommend/${KNOWN}`,
      {
        method: "OPTIONS",
        headers: { origin: "https://crm.example.com", "access-control-request-method": "GET" },
      },
      { CORS_ORIGINS: "https://crm.example.com" },
    );
    expect(res.status).toBe(204);
    expectBase(res, "preflight");
    expect(res.headers.get("access-control-allow-origin")).toBe("https://crm.example.com");
  });

  it("keep a header the route chose: the demo page's own CSP", async () => {
    const page = await call("/", { headers: { accept: "text/html" } });
    expect(page.headers.get("content-security-policy")).toMatch(/script-src 'nonce-/);
    expect(page.headers.get("x-frame-options")).toBe("DENY");
    // A document, unlike the JSON responses, keeps its URL from the sites it loads or links.
    expect(page.headers.get("referrer-policy")).toBe("no-referrer");
    expect((await call("/")).headers.get("referrer-policy")).toBeNull();
  });
});
