import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../pipeline/config.js";
import { evaluate } from "../../pipeline/model/evaluate.js";
import { buyRate } from "../../pipeline/model/evaluate-retarget.js";
import { retargetAudiences } from "../../pipeline/model/retarget.js";
import { build } from "../../pipeline/serialize/build.js";
import { NOTES, type RecommendationResponse } from "../../worker/contract.js";
import { tempDir } from "../helpers/tmp.js";
import { interactions, type Row } from "./model-fixture.js";

// The log ends 2022-10-31: scores are exp(-days before that / 90).
const rows: Row[] = [
  ["A", "p1", "cart", "2022-10-01T00:00:00Z"],
  ["A", "p1", "wishlist", "2022-10-21T00:00:00Z"], // A's newest interest in p1
  ["B", "p1", "cart", "2022-10-11T00:00:00Z"],
  ["B", "p1", "purchased", "2022-10-02T00:00:00Z"], // bought it (before the cart): never retargeted
  ["D", "p1", "cart", "2022-10-21T00:00:00Z"], // ties with A on time: A first by id
  ["C", "p1", "purchased", "2022-10-31T00:00:00Z"], // a purchase alone: not interest
  ["E", "p1", "rating", "2022-10-30T00:00:00Z"], // rating is not interest
  ["C", "p2", "cart", "2022-10-31T00:00:00Z"],
  ["C", "p2", "purchased", "2022-10-31T00:00:00Z"], // p2: only a buyer, nobody to retarget
  ["B", "p3", "cart", "2022-10-31T00:00:00Z"],
  ["G", "p4", "cart", "2022-10-20T00:00:00Z"], // the log has G first,
  ["F", "p4", "wishlist", "2022-10-20T00:00:00Z"], // but at the same time F comes first by id
];

describe("retarget audiences", () => {
  it("carters and wishlisters who never bought it, newest first, ties by id, scored by recency", () => {
    const data = interactions(rows);
    const out = retargetAudiences(data, { maxN: 100, recencyDecayDays: 90 });
    const byProduct = Object.fromEntries(
      out.map((a) => [data.products[a.product], [...a.customers].map((c) => data.customers[c])]),
    );
    expect(byProduct).toEqual({ p1: ["A", "D"], p3: ["B"], p4: ["F", "G"] });
    const p1 = out.find((a) => data.products[a.product] === "p1")!;
    expect(p1.scores[0]).toBeCloseTo(Math.exp(-10 / 90), 12);
    expect(p1.scores[1]).toBe(p1.scores[0]);
    expect(out.find((a) => data.products[a.product] === "p3")!.scores[0]).toBe(1);
  });

  it("cuts at maxN and leaves out suppressed customers", () => {
    const data = interactions(rows);
    const cut = retargetAudiences(data, { maxN: 1, recencyDecayDays: 90 });
    expect(cut.map((a) => a.customers.length)).toEqual([1, 1, 1]);
    const suppressed = retargetAudiences(data, { maxN: 100, recencyDecayDays: 90, suppress: new Set(["A"]) });
    expect(suppressed.map((a) => [...a.customers].map((c) => data.customers[c]))).toEqual([
      ["D"],
      ["B"],
      ["F", "G"],
    ]);
  });

  it("buy rate: slots whose customer bought the product in the test period, over all slots", () => {
    const C = 10;
    const audiences = [
      { product: 0, customers: [1, 2] },
      { product: 1, customers: [3] },
    ];
    const rate = buyRate(audiences, new Set([0 * C + 2, 1 * C + 2]), C);
    expect(rate).toMatchObject({ products: 2, pairs: 3, buyers: 1, products_with_buyer: 0.5 });
    expect(rate.rate!.value).toBeCloseTo(1 / 3, 12);
    expect(rate.rate!.low).toBeLessThanOrEqual(1 / 3);
    expect(buyRate(audiences, new Set(), C, 1)).toMatchObject({
      pairs: 2,
      buyers: 0,
      rate: { value: 0, low: 0, high: 0 },
    });
    // No slot at all: no rate.
    expect(buyRate([], new Set(), C).rate).toBeNull();
  });

  it("evaluate reports retarget audiences' purchases in the test period", () => {
    // Ten rows: the cut (the 0.8 quantile of event time) falls between the eighth and the
    // ninth. A and B carted p1 in training, B buys it in the test period; F only rates.
    const log: Row[] = [
      ...[1, 1, 2, 2, 3].map((d): Row => ["F", "p9", "rating", `2022-10-0${d}T12:00:00Z`]),
      ["A", "p1", "cart", "2022-10-01T00:00:00Z"],
      ["B", "p1", "wishlist", "2022-10-02T00:00:00Z"],
      ["C", "p2", "purchased", "2022-10-03T00:00:00Z"],
      ["B", "p1", "purchased", "2022-10-10T00:00:00Z"],
      ["D", "p2", "cart", "2022-10-11T00:00:00Z"],
    ];
    const e = evaluate(interactions(log), defaultConfig(), { ks: [5] });
    expect(e.retarget.retarget).toMatchObject({ products: 1, pairs: 2, buyers: 1, products_with_buyer: 1 });
    expect(e.retarget.retarget.rate!.value).toBe(0.5);
  });

  it("a build stores one key per product with a retarget audience, as the response body", async () => {
    const dir = tempDir();
    const csv = join(dir, "log.csv");
    writeFileSync(
      csv,
      [
        "customer_id,product_id,event,event_date",
        ...rows.map(([c, p, e, d]) => `${c.charCodeAt(0)},${p.slice(1)},${e},${d}`),
      ].join("\n"),
    );
    const result = await build({
      inputs: [csv],
      outDir: join(dir, "out"),
      config: defaultConfig(),
      now: new Date("2026-11-26T16:45:00Z"),
    });
    const v = result.version;
    const text = readFileSync(join(result.dir, "kv", "part-0001.json"), "utf8");
    const pairs = new Map(
      (JSON.parse(text) as { key: string; value: string }[]).map((p) => [p.key, p.value]),
    );
    const retarget = [...pairs.keys()].filter((k) => k.includes("/retarget/")).sort();
    expect(retarget).toEqual([`v/${v}/retarget/1`, `v/${v}/retarget/3`, `v/${v}/retarget/4`]);
    const p1 = JSON.parse(pairs.get(`v/${v}/retarget/1`)!) as RecommendationResponse;
    // A = 65, D = 68; 4-decimal scores like every stored audience.
    expect(p1).toEqual({
      product_id: 1,
      product_name: null, // this log has no product_name column
      recommendations: [
        { customer_id: 65, score: 0.8948, rank: 1 },
        { customer_id: 68, score: 0.8948, rank: 2 },
      ],
      count: 2,
      model_version: v,
      generated_at: "2026-11-26T16:45:00Z",
      fallback: false,
      note: NOTES.retarget,
    });
    expect(result.manifest.counts.retarget_products).toBe(3);
  });
});
