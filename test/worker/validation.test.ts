// Strict validation: every bad input is rejected before any KV key is formed, with the
// one error body and never a stack trace.
import { beforeEach, describe, expect, it } from "vitest";
import { call, countingKv, errorOf, KNOWN, seed } from "./fixtures.js";

/** The path reaches the worker as written: Request keeps %2F and %00 encoded. */
const badIds: [string, string][] = [
  ["an encoded slash", "a%2Fb"],
  ["an encoded traversal", "..%2Fmeta%2Fcurrent"],
  ["a fully encoded traversal", "%2E%2E%2F%2E%2E%2Fmeta"],
  ["a NUL byte", "42%00"],
  ["a newline", "42%0Av%2F1"],
  ["a tab", "%0942"],
  ["a space", "4%202"],
  ["65 characters", "a".repeat(65)],
  ["a unicode letter", "%C3%A9t%C3%A9"],
  ["a malformed escape", "%E0%A4%A"],
];

describe("product id validation", () => {
  beforeEach(() => seed());

  for (const [what, id] of badIds) {
    it(`rejects ${what} with 422 and reads no KV key`, async () => {
      const { kv, reads } = countingKv();
      const res = await call(`/recommend/${id}`, undefined, { RECS: kv });
      expect(res.status).toBe(422);
      expect(await errorOf(res)).toMatchObject({ code: "invalid_product_id" });
      expect(reads).toEqual([]);
    });
  }

  it("rejects an unencoded slash (a second path segment) and an empty id with 422", async () => {
    for (const path of ["/recommend/a/b", "/recommend/../recommend/x/y", "/recommend/"]) {
      const { kv, reads } = countingKv();
      const res = await call(path, undefined, { RECS: kv });
      expect(res.status, path).toBe(422);
      expect((await errorOf(res)).code).toBe("invalid_product_id");
      expect(reads).toEqual([]);
    }
  });

  it("accepts 64 characters (a product the build never saw: the fallback)", async () => {
    const res = await call(`/recommend/${"a".repeat(64)}?n=5`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ product_id: "a".repeat(64), fallback: true });
  });
});

describe("n validation", () => {
  beforeEach(() => seed());

  for (const n of ["0", "-1", "abc", "1.5", "1e1", "0x10", "", "%205", "21", "1000000"]) {
    it(`rejects n=${n} with 422 invalid_n`, async () => {
      const res = await call(`/recommend/${KNOWN}?n=${n}`);
      expect(res.status).toBe(422);
      const error = await errorOf(res);
      expect(error.code).toBe("invalid_n");
      expect(error.message).toMatch(/^n/);
    });
  }

  it("says each problem once, though two checks of the value fail", async () => {
    for (const path of [`/recommend/${KNOWN}?n=abc`, `/recommend/${KNOWN}?n=0`]) {
      expect((await errorOf(await call(path))).message, path).toBe(
        "n: must be an integer from 1 to the largest variant",
      );
    }
    expect((await errorOf(await call("/products/sample?n=x"))).message).toBe(
      "n: must be an integer from 1 to 100",
    );
  });

  it("names the build's largest variant as the limit", async () => {
    expect((await errorOf(await call(`/recommend/${KNOWN}?n=21`))).message).toBe(
      "n must be an integer from 1 to 20",
    );
  });

  it("accepts 1 and the largest variant", async () => {
    expect((await call(`/recommend/${KNOWN}?n=1`)).status).toBe(200);
    expect((await call(`/recommend/${KNOWN}?n=20`)).status).toBe(200);
  });

  it("rejects an unknown format with 422", async () => {
    const res = await call(`/recommend/${KNOWN}?format=xml`);
    expect(res.status).toBe(422);
    expect((await errorOf(res)).code).toBe("invalid_format");
  });

  it("bounds /products/sample n to 1..100", async () => {
    for (const n of ["0", "101", "x"]) {
      const res = await call(`/products/sample?n=${n}`);
      expect(res.status, n).toBe(422);
      expect((await errorOf(res)).code).toBe("invalid_n");
    }
    expect((await call("/products/sample?n=100")).status).toBe(200);
  });
});

describe("batch validation", () => {
  beforeEach(() => seed());

  const post = (body: string, contentType: string | null = "application/json") =>
    call("/recommend/batch", {
      method: "POST",
      headers: contentType ? { "content-type": contentType } : {},
      body,
    });

  it("answers 413 for more than 100 product ids, and takes exactly 100", async () => {
    const ids = (count: number) =>
      JSON.stringify({ product_ids: Array.from({ length: count }, (_, i) => String(i)), n: 5 });
    const tooMany = await post(ids(101));
    expect(tooMany.status).toBe(413);
    expect(await errorOf(tooMany)).toEqual({
      code: "too_many_products",
      message: "at most 100 product ids per batch",
    });
    const { kv, reads } = countingKv();
    const full = await call(
      "/recommend/batch",
      { method: "POST", headers: { "content-type": "application/json" }, body: ids(100) },
      { RECS: kv },
    );
    expect(full.status).toBe(200);
    expect(((await full.json()) as { results: unknown[] }).results).toHaveLength(100);
    // The pointer, one bulk get of the 100 audiences, then the fallback: three reads.
    expect(reads).toHaveLength(3);
    expect((reads[1] as string[]).length).toBe(100);
  });

  it("answers 413 for a body over 64 KB", async () => {
    const res = await post(JSON.stringify({ product_ids: ["1"], pad: "x".repeat(70_000) }));
    expect(res.status).toBe(413);
    expect((await errorOf(res)).code).toBe("payload_too_large");
  });

  it("answers 400 for malformed JSON", async () => {
    for (const body of ["{", "{'product_ids': [1]}", ""]) {
      const res = await post(body);
      expect(res.status, body).toBe(400);
      expect((await errorOf(res)).code).toBe("malformed_request");
    }
  });

  it("answers 415 for a body that is not JSON", async () => {
    const res = await post("product_ids=1", "application/x-www-form-urlencoded");
    expect(res.status).toBe(415);
    expect((await errorOf(res)).code).toBe("unsupported_media_type");
  });

  it("reports every bad id with its index in one 422, before reading any key", async () => {
    const { kv, reads } = countingKv();
    const res = await call(
      "/recommend/batch",
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ product_ids: ["42", "../x", 7, "a/b", -1, 1.5] }),
      },
      { RECS: kv },
    );
    expect(res.status).toBe(422);
    const error = await errorOf(res);
    expect(error.code).toBe("invalid_product_ids");
    for (const index of [1, 3, 4, 5]) expect(error.message).toContain(`product_ids[${index}]`);
    expect(error.message).not.toContain("product_ids[0]");
    expect(error.message).not.toContain("product_ids[2]");
    expect(reads).toEqual([]);
  });

  it("rejects a missing or empty list and a bad n with 422", async () => {
    for (const [body, code] of [
      [{}, "invalid_product_ids"],
      [{ product_ids: [] }, "invalid_product_ids"],
      [{ product_ids: "42" }, "invalid_product_ids"],
      [{ product_ids: ["42"], n: 0 }, "invalid_n"],
      [{ product_ids: ["42"], n: "10" }, "invalid_n"],
      [{ product_ids: ["42"], n: 21 }, "invalid_n"],
      [[1, 2], "invalid_request"],
    ] as const) {
      const res = await post(JSON.stringify(body));
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect((await errorOf(res)).code, JSON.stringify(body)).toBe(code);
    }
  });
});

describe("error bodies", () => {
  beforeEach(() => seed());

  it("are always {error: {code, message}}, no-store, with a request id, and never a stack", async () => {
    const responses = [
      await call("/nope"),
      await call("/recommend/a%2Fb"),
      await call(`/recommend/${KNOWN}?n=0`),
      await call("/recommend/batch", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{",
      }),
    ];
    for (const res of responses) {
      const text = await res.text();
      expect(Object.keys(JSON.parse(text) as object)).toEqual(["error"]);
      expect(Object.keys((JSON.parse(text) as { error: object }).error)).toEqual(["code", "message"]);
      expect(text).not.toMatch(/\bat .*\.(js|ts):\d+|stack/i);
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(res.headers.get("x-request-id")).toMatch(/^[\w-]{8,}$/);
    }
  });
});
