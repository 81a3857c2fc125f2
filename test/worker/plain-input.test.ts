// GET /recommend/{productId} checks its input with a plain function before (instead of)
// the zod schemas. It must never accept what the schemas refuse, and it must accept the
// ordinary requests (else the hot path silently falls back to the schemas every time).
import { beforeEach, describe, expect, it } from "vitest";
import { ProductParams, plainRecommendInput, RecommendQuery } from "../../worker/schemas.js";
import { call, errorOf, KNOWN, seed } from "./fixtures.js";

const ids = [
  "42",
  "a",
  "A-b_c.9",
  "a".repeat(64),
  "a".repeat(65),
  "",
  "a/b",
  "../meta",
  "4 2",
  "42\n",
  "é",
  "%2F",
  "a:b",
];
const ns: (string[] | undefined)[] = [
  undefined,
  ["1"],
  ["5"],
  ["20"],
  ["999999"],
  ["0"],
  ["-1"],
  ["1.5"],
  ["1e1"],
  ["0x10"],
  [""],
  [" 5"],
  ["1000000"],
  ["5", "10"],
  ["٣"],
];
const formats: (string[] | undefined)[] = [
  undefined,
  ["json"],
  ["csv"],
  ["xml"],
  ["JSON"],
  [""],
  ["csv", "json"],
];

describe("plainRecommendInput", () => {
  it("accepts only what ProductParams and RecommendQuery accept, with the same values", () => {
    let accepted = 0;
    for (const id of ids) {
      for (const n of ns) {
        for (const format of formats) {
          const plain = plainRecommendInput(id, n, format);
          if (plain === undefined) continue;
          accepted++;
          const query: Record<string, string | string[]> = {};
          if (n) query.n = n.length === 1 ? n[0] : n;
          if (format) query.format = format.length === 1 ? format[0] : format;
          const what = JSON.stringify({ id, n, format });
          const params = ProductParams.safeParse({ productId: id });
          const parsed = RecommendQuery.safeParse(query);
          expect(params.success, what).toBe(true);
          expect(parsed.success, what).toBe(true);
          expect(plain, what).toEqual({
            productId: params.data?.productId,
            n: parsed.data?.n,
            format: parsed.data?.format,
          });
        }
      }
    }
    // 4 valid ids × 5 valid n (incl. none) × 3 valid formats (incl. none), worked out by hand.
    expect(accepted).toBe(4 * 5 * 3);
  });

  it("takes the ordinary requests", () => {
    expect(plainRecommendInput("1004", ["10"], undefined)).toEqual({
      productId: "1004",
      n: "10",
      format: undefined,
    });
    expect(plainRecommendInput("sku-9.x_1", undefined, ["csv"])).toEqual({
      productId: "sku-9.x_1",
      n: undefined,
      format: "csv",
    });
  });

  it("leaves every bad or repeated value to the schemas", () => {
    expect(plainRecommendInput("a/b", ["5"], undefined)).toBeUndefined();
    expect(plainRecommendInput("42", ["0"], undefined)).toBeUndefined();
    expect(plainRecommendInput("42", ["5", "5"], undefined)).toBeUndefined();
    expect(plainRecommendInput("42", undefined, ["xml"])).toBeUndefined();
  });
});

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
