// The fast lane answers the hot route before Hono. It must answer exactly as the app
// would (status, headers, body) or leave the request to the app, and it must count a
// request against the rate limit once, never twice.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import app from "../../worker/app.js";
import { keys } from "../../worker/contract.js";
import type { Bindings } from "../../worker/env.js";
import { fastLane, plainRecommendUrl } from "../../worker/fast-lane.js";
import { call, errorOf, KNOWN, request, seed, stubLimiter, VERSION } from "./fixtures.js";

const bindings = (overrides: Partial<Bindings> = {}): Bindings => ({
  ...(env as unknown as Bindings),
  ...overrides,
});

/** The fast lane's answer, or undefined when it left the request to the app. */
async function viaFastLane(
  path: string,
  init: RequestInit | undefined,
  b: Bindings,
): Promise<Response | undefined> {
  return await fastLane(request(path, init), b);
}

async function snapshot(res: Response) {
  return { status: res.status, headers: [...res.headers].sort(), body: await res.text() };
}

/** Warms the isolate cache for a path the way production does: one request through the app. */
async function warm(path: string, b: Bindings, init?: RequestInit): Promise<void> {
  await (await app.fetch(request(path, init), b)).arrayBuffer();
}

describe("plainRecommendUrl", () => {
  it("reads the id, n and format of a plain URL", () => {
    expect(plainRecommendUrl("http://worker/recommend/42")).toEqual({
      productId: "42",
      n: undefined,
      format: undefined,
    });
    expect(plainRecommendUrl("https://api.example.com:8443/recommend/SKU-9_a.b?n=20")).toEqual({
      productId: "SKU-9_a.b",
      n: "20",
      format: undefined,
    });
    expect(plainRecommendUrl("http://worker/recommend/42?format=csv&n=5")).toEqual({
      productId: "42",
      n: "5",
      format: "csv",
    });
  });

  it("leaves every other URL to the app", () => {
    const others = [
      "http://worker/",
      "http://worker/recommend",
      "http://worker/recommend/",
      "http://worker/recommend/42/",
      "http://worker/recommend/a/b",
      "http://worker/recommend/a%2Fb",
      "http://worker/recommend/%34%32",
      "http://worker/Recommend/42",
      "http://worker/products/sample",
      `http://worker/recommend/${"x".repeat(65)}`,
      "http://worker/recommend/42?",
      "http://worker/recommend/42?n",
      "http://worker/recommend/42?n=",
      "http://worker/recommend/42?n=0",
      "http://worker/recommend/42?n=1.5",
      "http://worker/recommend/42?n=%35",
      "http://worker/recommend/42?n=5&n=10",
      "http://worker/recommend/42?n=5&&format=csv",
      "http://worker/recommend/42?format=xml",
      "http://worker/recommend/42?utm_source=mail",
      "http://worker/recommend/42?n=5#top",
    ];
    for (const url of others) expect(plainRecommendUrl(url), url).toBeUndefined();
  });
});

describe("fast lane", () => {
  beforeEach(() => seed());

  it("leaves a cold isolate to the app, then answers once the app has cached pointer and audience", async () => {
    const b = bindings();
    expect(await viaFastLane(`/recommend/${KNOWN}?n=5`, undefined, b)).toBeUndefined();
    await warm(`/recommend/${KNOWN}?n=5`, b);
    const res = await viaFastLane(`/recommend/${KNOWN}?n=5`, undefined, b);
    expect(res?.status).toBe(200);
    expect(((await res!.json()) as { product_id: number; count: number }).product_id).toBe(42);
  });

  it("answers exactly as the app does, header for header", async () => {
    const cases: [string, Record<string, string>][] = [
      [`/recommend/${KNOWN}`, {}],
      [`/recommend/${KNOWN}?n=10`, {}],
      [`/recommend/${KNOWN}?n=7`, {}],
      [`/recommend/${KNOWN}?n=20&format=csv`, {}],
      [`/recommend/${KNOWN}?n=5`, { accept: "text/csv" }],
      [`/recommend/${KNOWN}?n=5`, { "if-none-match": `"${VERSION}/${KNOWN}/5"` }],
      [`/recommend/${KNOWN}?n=5`, { "if-none-match": '"something-else"' }],
      ["/recommend/777?n=10", {}],
      ["/recommend/SKU-x?n=5", {}],
    ];
    const configs: Partial<Bindings>[] = [
      {},
      { CORS_ORIGINS: "" },
      { CORS_ORIGINS: "https://a.example" },
      { API_KEYS: "k-1", CACHE_MAX_AGE_SECONDS: "5" },
    ];
    for (const overrides of configs) {
      const b = bindings(overrides);
      for (const [path, headers] of cases) {
        const init = {
          headers: {
            ...headers,
            "x-request-id": "fixed-id",
            origin: "https://a.example",
            "x-api-key": "k-1",
          },
        };
        // Warmed through the app first, so that the fast lane and the app see the same cache.
        await warm(path, b, init);
        const fast = await viaFastLane(path, init, b);
        const label = `${path} ${JSON.stringify(headers)} ${JSON.stringify(overrides)}`;
        expect(fast, label).toBeInstanceOf(Response);
        expect(await snapshot(fast!), label).toEqual(await snapshot(await app.fetch(request(path, init), b)));
      }
    }
  });

  it("leaves an n above the largest variant, another method and a missing or wrong key to the app", async () => {
    const b = bindings({ API_KEYS: "k-1" });
    await warm(`/recommend/${KNOWN}`, bindings());
    expect(
      await viaFastLane(`/recommend/${KNOWN}?n=21`, { headers: { "x-api-key": "k-1" } }, b),
    ).toBeUndefined();
    expect(
      await viaFastLane(`/recommend/${KNOWN}`, { method: "HEAD", headers: { "x-api-key": "k-1" } }, b),
    ).toBeUndefined();
    expect(await viaFastLane(`/recommend/${KNOWN}`, undefined, b)).toBeUndefined();
    expect(await viaFastLane(`/recommend/${KNOWN}`, { headers: { "x-api-key": "k-2" } }, b)).toBeUndefined();
    expect(await viaFastLane(`/recommend/${KNOWN}`, { headers: { "x-api-key": "k-1" } }, b)).toBeInstanceOf(
      Response,
    );
    // Through the worker, the app then answers as the contract says.
    expect(
      (
        await errorOf(
          await call(`/recommend/${KNOWN}?n=21`, { headers: { "x-api-key": "k-1" } }, { API_KEYS: "k-1" }),
        )
      ).code,
    ).toBe("invalid_n");
    expect(
      (await call(`/recommend/${KNOWN}`, { headers: { "x-api-key": "k-2" } }, { API_KEYS: "k-1" })).status,
    ).toBe(401);
  });

  it("leaves a stored value that does not parse to the app, whose error body names it", async () => {
    const path = `/recommend/${KNOWN}?n=7`;
    await env.RECS.put(keys.rec(VERSION, KNOWN, 10), "{not json");
    const b = bindings();
    await warm(path, b);
    expect(await viaFastLane(path, undefined, b)).toBeUndefined();
    const res = await call(path);
    expect(res.status).toBe(500);
    expect((await errorOf(res)).code).toBe("internal_error");
  });

  it("asks the limiter once per request, also for the request it refuses", async () => {
    const { limiter, keys } = stubLimiter(2);
    const overrides = { RATE_LIMITER: limiter };
    await warm(`/recommend/${KNOWN}`, bindings());
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push(
        (await call(`/recommend/${KNOWN}`, { headers: { "cf-connecting-ip": "203.0.113.9" } }, overrides))
          .status,
      );
    expect(statuses).toEqual([200, 200, 429]);
    expect(keys).toEqual(["ip:203.0.113.9", "ip:203.0.113.9", "ip:203.0.113.9"]);
  });

  it("counts by key when API keys are on, after checking the key", async () => {
    const { limiter, keys } = stubLimiter(10);
    const b = bindings({ API_KEYS: "k-1, k-2", RATE_LIMITER: limiter });
    await warm(`/recommend/${KNOWN}`, bindings());
    expect(
      (await viaFastLane(`/recommend/${KNOWN}`, { headers: { authorization: "Bearer k-2" } }, b))?.status,
    ).toBe(200);
    expect(
      await viaFastLane(`/recommend/${KNOWN}`, { headers: { authorization: "Bearer nope" } }, b),
    ).toBeUndefined();
    expect(keys).toEqual(["key:1"]);
  });
});
