// GET /recommend/{productId} input as the route's schemas check it: a repeated key, the
// order of the checks (query, then path) and query keys the contract does not name.
import { beforeEach, describe, expect, it } from "vitest";
import { call, errorOf, KNOWN, seed } from "./fixtures.js";

describe("GET /recommend input through the worker", () => {
  beforeEach(() => seed());

  it("answers a repeated n as the schemas do: 422 invalid_n", async () => {
    const res = await call(`/recommend/${KNOWN}?n=5&n=10`);
    expect(res.status).toBe(422);
    expect((await errorOf(res)).code).toBe("invalid_n");
  });

  it("checks the query before the path, as the route's validators did", async () => {
    const res = await call("/recommend/a%2Fb?n=0");
    expect(res.status).toBe(422);
    expect((await errorOf(res)).code).toBe("invalid_n");
    const badFormat = await call(`/recommend/a%2Fb?format=xml`);
    expect((await errorOf(badFormat)).code).toBe("invalid_format");
  });

  it("ignores query keys the contract does not name", async () => {
    const res = await call(`/recommend/${KNOWN}?n=5&utm_source=mail`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { count: number }).count).toBe(5);
  });
});
