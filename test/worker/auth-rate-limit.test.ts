// API keys (on when API_KEYS is set, open when not) and the per-client rate limit.
import { beforeEach, describe, expect, it } from "vitest";
import { call, errorOf, KNOWN, seed, stubLimiter } from "./fixtures.js";

const KEYS = { API_KEYS: "k-alpha-1, k-beta-2" };

describe("auth", () => {
  beforeEach(() => seed());

  it("is open when API_KEYS is unset, and /health says so", async () => {
    expect((await call(`/recommend/${KNOWN}`)).status).toBe(200);
    expect(await (await call("/health")).json()).toMatchObject({ auth: "open" });
  });

  it("needs a key on every data route when API_KEYS is set", async () => {
    for (const path of [`/recommend/${KNOWN}`, "/products/sample", "/metrics", "/nope"]) {
      const res = await call(path, undefined, KEYS);
      expect(res.status, path).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect(await errorOf(res)).toMatchObject({ code: "missing_api_key" });
    }
    const batch = await call(
      "/recommend/batch",
      { method: "POST", headers: { "content-type": "application/json" }, body: '{"product_ids":[42]}' },
      KEYS,
    );
    expect(batch.status).toBe(401);
  });

  it("accepts either configured key as Bearer or X-API-Key", async () => {
    const variants: Record<string, string>[] = [
      { authorization: "Bearer k-alpha-1" },
      { authorization: "bearer k-beta-2" },
      { "x-api-key": "k-beta-2" },
    ];
    for (const headers of variants) {
      const res = await call(`/recommend/${KNOWN}`, { headers }, KEYS);
      expect(res.status, JSON.stringify(headers)).toBe(200);
      expect(res.headers.get("cache-control")).toBe("private, max-age=60");
    }
  });

  it("refuses a wrong key, a prefix of a key, a key with extra characters, and the whole list", async () => {
    for (const key of ["nope", "k-alpha-", "k-alpha-1x", "k-alpha-1, k-beta-2", "Basic k-alpha-1"]) {
      const res = await call(`/recommend/${KNOWN}`, { headers: { "x-api-key": key } }, KEYS);
      expect(res.status, key).toBe(401);
      expect((await errorOf(res)).code).toBe("invalid_api_key");
    }
    const basic = await call(
      `/recommend/${KNOWN}`,
      { headers: { authorization: "Basic azphbHBoYS0x" } },
      KEYS,
    );
    expect((await errorOf(basic)).code).toBe("missing_api_key");
  });

  it("keeps /health, / and /openapi.json open", async () => {
    expect((await call("/health", undefined, KEYS)).status).toBe(200);
    expect(await (await call("/health", undefined, KEYS)).json()).toMatchObject({ auth: "required" });
    expect((await call("/", undefined, KEYS)).status).toBe(200);
    expect((await call("/openapi.json", undefined, KEYS)).status).toBe(200);
  });
});

describe("rate limit", () => {
  beforeEach(() => seed());

  it("answers 429 with Retry-After once the limiter refuses", async () => {
    const { limiter } = stubLimiter(2);
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 3; i++) {
      last = await call(`/recommend/${KNOWN}`, undefined, { RATE_LIMITER: limiter });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 429]);
    expect(last!.headers.get("retry-after")).toBe("60");
    expect(await errorOf(last!)).toMatchObject({ code: "rate_limited" });
  });

  it("counts per key when auth is on, never naming the key itself", async () => {
    const { limiter, keys } = stubLimiter(100);
    const env = { ...KEYS, RATE_LIMITER: limiter };
    await call(
      `/recommend/${KNOWN}`,
      { headers: { "x-api-key": "k-beta-2", "cf-connecting-ip": "203.0.113.9" } },
      env,
    );
    await call(
      `/recommend/${KNOWN}`,
      { headers: { authorization: "Bearer k-alpha-1", "cf-connecting-ip": "203.0.113.9" } },
      env,
    );
    expect(keys).toEqual(["key:1", "key:0"]);
  });

  it("counts per client IP when open", async () => {
    const { limiter, keys } = stubLimiter(100);
    await call(
      `/recommend/${KNOWN}`,
      { headers: { "cf-connecting-ip": "203.0.113.9" } },
      { RATE_LIMITER: limiter },
    );
    await call(
      "/products/sample",
      { headers: { "cf-connecting-ip": "198.51.100.4" } },
      { RATE_LIMITER: limiter },
    );
    expect(keys).toEqual(["ip:203.0.113.9", "ip:198.51.100.4"]);
  });

  it("does not count /health, / or /openapi.json, nor requests refused by auth", async () => {
    const { limiter, keys } = stubLimiter(0);
    for (const path of ["/health", "/", "/openapi.json"])
      expect((await call(path, undefined, { RATE_LIMITER: limiter })).status).toBe(200);
    expect((await call(`/recommend/${KNOWN}`, undefined, { ...KEYS, RATE_LIMITER: limiter })).status).toBe(
      401,
    );
    expect(keys).toEqual([]);
  });

  it("lets requests through when the limiter itself fails", async () => {
    const broken = { limit: () => Promise.reject(new Error("limiter down")) };
    expect((await call(`/recommend/${KNOWN}`, undefined, { RATE_LIMITER: broken })).status).toBe(200);
  });

  it("works through the real [[ratelimits]] binding of wrangler.toml", async () => {
    // The configured limit is 1000 a minute: one request passes and is counted.
    expect((await call(`/recommend/${KNOWN}`, { headers: { "cf-connecting-ip": "192.0.2.1" } })).status).toBe(
      200,
    );
  });
});

describe("API_KEYS set without a usable key", () => {
  beforeEach(() => seed());

  for (const value of [" , ", "", ",,", "   "]) {
    it(`fails closed for ${JSON.stringify(value)}: 503 on every protected route, and /health says why`, async () => {
      const broken = { API_KEYS: value };
      for (const path of [`/recommend/${KNOWN}`, "/products/sample", "/metrics"]) {
        const asked: Record<string, string>[] = [
          {},
          { "x-api-key": "anything" },
          { authorization: "Bearer  " },
        ];
        for (const headers of asked) {
          const res = await call(path, { headers }, broken);
          expect(res.status, path).toBe(503);
          expect(res.headers.get("retry-after")).toBe("300");
          expect((await errorOf(res)).code).toBe("auth_misconfigured");
        }
      }
      const batch = await call(
        "/recommend/batch",
        { method: "POST", headers: { "content-type": "application/json" }, body: '{"product_ids":[42]}' },
        broken,
      );
      expect(batch.status).toBe(503);
      const health = await call("/health", undefined, broken);
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({
        status: "unhealthy",
        auth: "misconfigured",
        reason: expect.stringContaining("API_KEYS"),
      });
    });
  }

  it("still serves the open paths", async () => {
    expect((await call("/openapi.json", undefined, { API_KEYS: " , " })).status).toBe(200);
    expect((await call("/", undefined, { API_KEYS: " , " })).status).toBe(200);
  });
});

describe("rate limit period", () => {
  beforeEach(() => seed());

  it("is the 429's Retry-After, as RATE_LIMIT_PERIOD_SECONDS states it", async () => {
    const { limiter } = stubLimiter(0);
    const res = await call(`/recommend/${KNOWN}`, undefined, {
      RATE_LIMITER: limiter,
      RATE_LIMIT_PERIOD_SECONDS: "10",
    });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("10");
  });
});
