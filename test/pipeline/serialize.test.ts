import { describe, expect, it } from "vitest";
import {
  decideIdType,
  LIST_SLACK,
  packIds,
  productJsonOf,
  Renderer,
  renderVariants,
  roundScore,
  valueOf as valueAt,
} from "../../pipeline/serialize/serialize.js";
import type { RecommendationResponse } from "../../worker/contract.js";

const ctx = (idType: "number" | "string") => ({
  version: "20261126T164500Z-3fa2c1",
  generatedAt: "2026-11-26T16:45:00Z",
  idType,
  variants: [2, 3, 5],
  customerIds: ["10", "11", "12", "13"],
});

describe("serialization", () => {
  it("each smaller variant is a prefix of the larger ones, ranks 1..n", () => {
    const audience = {
      customers: Int32Array.from([3, 1, 0, 2]),
      scores: Float64Array.from([0.9, 0.8, 0.5, 0.123456]),
    };
    const bodies = renderVariants(ctx("number"), "7", audience, "ranked").map(
      (b) => JSON.parse(b) as RecommendationResponse,
    );
    expect(bodies.map((b) => b.count)).toEqual([2, 3, 4]);
    expect(bodies[2].recommendations.map((r) => r.rank)).toEqual([1, 2, 3, 4]);
    expect(bodies[2].recommendations.map((r) => r.customer_id)).toEqual([13, 11, 10, 12]);
    expect(bodies[0].recommendations).toEqual(bodies[2].recommendations.slice(0, 2));
    expect(bodies[1].recommendations).toEqual(bodies[2].recommendations.slice(0, 3));
    expect(bodies[2].recommendations[3].score).toBe(0.1235);
    expect(bodies[0]).toMatchObject({
      product_id: 7,
      fallback: false,
      model_version: "20261126T164500Z-3fa2c1",
    });
  });

  it("string ids stay strings", () => {
    const audience = { customers: Int32Array.from([0]), scores: Float64Array.from([1]) };
    const [body] = renderVariants(ctx("string"), JSON.stringify("abc"), audience, "fallback");
    const parsed = JSON.parse(body) as RecommendationResponse;
    expect(parsed.product_id).toBe("abc");
    expect(parsed.recommendations[0].customer_id).toBe("10");
    expect(parsed.fallback).toBe(true);
  });

  it("packs each id in a slot of the longest id's size: its length byte, then its latin1 bytes", () => {
    const ids = ["7", "abc.DEF-9_x", "", "1234567890123"];
    const { bytes, stride } = packIds(ids);
    // 13 characters at most, plus the length byte, rounded up to whole 4-byte words.
    expect(stride).toBe(16);
    expect(bytes.length).toBeGreaterThanOrEqual(ids.length * stride + 3);
    ids.forEach((id, k) => {
      expect(bytes[k * stride]).toBe(id.length);
      const slot = bytes.subarray(k * stride + 1, k * stride + 1 + id.length);
      expect(Buffer.from(slot).equals(Buffer.from(id, "latin1"))).toBe(true);
    });
    expect(() => packIds(["x".repeat(256)])).toThrow(/256 characters/);
    // With slots, slot k holds ids[order[k]] (ids[j] goes to slotOf[j]): the same bytes as packing them in that order.
    const order = Int32Array.of(3, 0, 2, 1);
    const slotOf = new Int32Array(order.length);
    order.forEach((j, k) => {
      slotOf[j] = k;
    });
    const reordered = packIds(ids, slotOf);
    expect(reordered.stride).toBe(stride);
    expect(
      Buffer.from(reordered.bytes).equals(Buffer.from(packIds([...order].map((k) => ids[k])).bytes)),
    ).toBe(true);
  });

  it("id type is number only when every id is a canonical safe integer", () => {
    expect(decideIdType(["1", "20"], ["300"])).toBe("number");
    expect(decideIdType(["1", "020"], ["300"])).toBe("string");
    expect(decideIdType(["1"], ["9007199254740993"])).toBe("string");
    expect(decideIdType(["1"], ["a-1"])).toBe("string");
  });

  it("rounds scores to 4 decimals", () => {
    expect(roundScore(0.123449)).toBe(0.1234);
    expect(roundScore(0.99995)).toBe(1);
  });

  it("the escaped form (for the bulk files) is exactly the JSON-string escape of the plain value, and bytes are the plain size", () => {
    const audience = {
      customers: Int32Array.from([2, 0, 3, 1]),
      scores: Float64Array.from([0.98765, 0.5, 0.25, 0]),
    };
    for (const idType of ["number", "string"] as const) {
      for (const [productId, kind] of [
        ["77", "ranked"],
        [null, "fallback"],
        ["78", "retarget"],
      ] as const) {
        const c = ctx(idType);
        const plain = new Renderer(c, '"').render(
          productId === null ? "null" : productJsonOf(productId, idType, '"'),
          audience,
          kind,
        );
        const escaped = new Renderer(c, '\\"').render(
          productId === null ? "null" : productJsonOf(productId, idType, '\\"'),
          audience,
          kind,
        );
        c.variants.forEach((_, i) => {
          const value = valueAt(plain, i);
          expect(valueAt(escaped, i)).toBe(JSON.stringify(value).slice(1, -1));
          expect(plain.bytes[i]).toBe(Buffer.byteLength(value));
          expect(escaped.bytes[i]).toBe(Buffer.byteLength(value));
        });
      }
    }
  });

  it("renderList fits in maxN · maxItemBytes + LIST_SLACK and leaves the bytes after it alone, whatever the ids' lengths", () => {
    const long = "x".repeat(64);
    const c = { ...ctx("string"), customerIds: ["a", long, "b-2", "9"] };
    const renderer = new Renderer(c, '"');
    const audience = {
      customers: Int32Array.from([1, 0, 1, 2]),
      scores: Float64Array.from([1, 0.5, 0.05, 0]),
    };
    const room = 5 * renderer.maxItemBytes + LIST_SLACK;
    const out = new Uint8Array(3 + room + 8).fill(0x7e);
    const ends = new Int32Array(3);
    const length = renderer.renderList(audience, out, 3, ends, 0);
    expect(Buffer.from(out.subarray(0, 3)).toString("latin1")).toBe("~~~");
    expect(Buffer.from(out.subarray(3 + room)).toString("latin1")).toBe("~".repeat(8));
    const items = [
      `{"customer_id":"${long}","score":1,"rank":1}`,
      '{"customer_id":"a","score":0.5,"rank":2}',
      `{"customer_id":"${long}","score":0.05,"rank":3}`,
      '{"customer_id":"b-2","score":0,"rank":4}',
    ];
    expect(Buffer.from(out.subarray(3, 3 + length)).toString("latin1")).toBe(`${items.join(",")},`);
    expect([...ends]).toEqual([2, 3, 4].map((n) => items.slice(0, n).join(",").length));
  });

  it("an empty audience still renders every variant with count 0", () => {
    const bodies = renderVariants(
      ctx("number"),
      "7",
      { customers: new Int32Array(0), scores: new Float64Array(0) },
      "ranked",
    );
    expect(bodies.map((b) => (JSON.parse(b) as RecommendationResponse).count)).toEqual([0, 0, 0]);
  });
});
