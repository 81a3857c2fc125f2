import { describe, expect, it } from "vitest";
import { type Config, DEFAULT_TOKEN_CUSTOMERS, defaultConfig } from "../../pipeline/config.js";
import type { Interactions } from "../../pipeline/ingest/ingest.js";
import { Affinity } from "../../pipeline/model/affinity.js";
import { customerTable } from "../../pipeline/model/customer-table.js";
import { groupRows, newestFirst } from "../../pipeline/model/groups.js";
import { config, interactions, type Row } from "./model-fixture.js";

// p is bought by u1 and u2; q1 by u1, u2 and u3; q2 by u2 and u4. So |p| = 2, |q1| = 3,
// |q2| = 2; p shares 2 customers with q1 and 1 with q2; u1 has 2 products, u2 has 3.
const ROWS: Row[] = [
  ["u1", "p", "cart", "2022-10-01T10:00:00Z", "Acme Rocket"],
  ["u1", "q1", "cart", "2022-10-02T10:00:00Z", "Zeta Lamp"],
  ["u2", "p", "cart", "2022-10-03T10:00:00Z", "Acme Rocket"],
  ["u2", "q1", "cart", "2022-10-04T10:00:00Z", "Zeta Lamp"],
  ["u2", "q2", "cart", "2022-10-05T10:00:00Z", "Omni Chair"],
  ["u3", "q1", "cart", "2022-10-06T10:00:00Z", "Zeta Lamp"],
  ["u4", "q2", "cart", "2022-10-07T10:00:00Z", "Omni Chair"],
  ["u5", "r", "cart", "2022-10-08T10:00:00Z", "Brio Desk"],
];

function affinityFor(settings: Config, data: Interactions, score?: Float64Array) {
  const order = newestFirst(data);
  const byProduct = groupRows(data.product, order, data.products.length);
  const byCustomer = groupRows(data.customer, order, data.customers.length);
  const position = Int32Array.from(data.customers, (_, c) => c);
  const affinity = new Affinity(data, byProduct, byCustomer, settings, position, score);
  const s = affinity.scratch(customerTable(data.customers.length));
  return { affinity, s };
}

function similarities(overrides: Record<string, unknown>): [number, number] {
  const data = interactions(ROWS);
  const { affinity, s } = affinityFor(config(overrides), data);
  const [p, q1, q2] = ["p", "q1", "q2"].map((id) => data.products.indexOf(id));
  affinity.collect(p, s);
  return [affinity.coSimilarity(p, q1), affinity.coSimilarity(p, q2)];
}

describe("item similarity for co-interaction", () => {
  it("cosine by default: shared / sqrt(|p||q|)", () => {
    const [q1, q2] = similarities({});
    expect(q1).toBeCloseTo(2 / Math.sqrt(6), 12);
    expect(q2).toBeCloseTo(1 / Math.sqrt(4), 12);
    expect(similarities({ itemSimilarity: { method: "cosine" } })).toEqual([q1, q2]);
  });

  it("ItemKNN: shared / (sqrt(|p||q|) + shrink), so thin evidence counts less", () => {
    const [q1, q2] = similarities({ itemSimilarity: { method: "itemknn", shrink: 3 } });
    expect(q1).toBeCloseTo(2 / (Math.sqrt(6) + 3), 12);
    expect(q2).toBeCloseTo(1 / (Math.sqrt(4) + 3), 12);
  });

  it("RP3beta: the walk p → customer → q, (1/|p|) Σ 1/|customer|, over |q|^beta", () => {
    const [q1, q2] = similarities({ itemSimilarity: { method: "rp3beta", beta: 0.5 } });
    expect(q1).toBeCloseTo(((1 / 2) * (1 / 2 + 1 / 3)) / Math.sqrt(3), 12);
    expect(q2).toBeCloseTo(((1 / 2) * (1 / 3)) / Math.sqrt(2), 12);
    // beta = 0 is the plain two-step random walk probability.
    const [w1] = similarities({ itemSimilarity: { method: "rp3beta", beta: 0 } });
    expect(w1).toBeCloseTo((1 / 2) * (1 / 2 + 1 / 3), 12);
  });

  it("affinityGate multiplies each candidate's affinity by their customer score to that power", () => {
    const data = interactions(ROWS);
    const score = Float64Array.from(data.customers, (_, c) => (c + 1) / 10);
    const plain = affinityFor(config(), data, score);
    const gated = affinityFor(config({ affinityGate: 2 }), data, score);
    const p = data.products.indexOf("p");
    plain.affinity.collect(p, plain.s);
    gated.affinity.collect(p, gated.s);
    const u3 = data.customers.indexOf("u3");
    expect(plain.affinity.value(plain.s, u3)).toBeGreaterThan(0);
    expect(gated.affinity.value(gated.s, u3)).toBeCloseTo(
      plain.affinity.value(plain.s, u3) * score[u3] ** 2,
      12,
    );
  });

  it("tokenCustomers bounds each name token's list of strongest customers", () => {
    // "acme" is in four products' names, each with its own customer: four qualify for it.
    const data = interactions(
      [1, 2, 3, 4].map((i): Row => [`c${i}`, `a${i}`, "cart", `2022-10-0${i}T10:00:00Z`, `Acme Model${i}`]),
    );
    const longest = (overrides: Record<string, unknown>) => {
      const { affinity } = affinityFor(config(overrides), data);
      let most = 0;
      for (let t = 0; t + 1 < affinity.tokenStart.length; t++)
        most = Math.max(most, affinity.tokenStart[t + 1] - affinity.tokenStart[t]);
      return most;
    };
    expect(longest({})).toBe(4);
    expect(longest({ tokenCustomers: 2 })).toBe(2);
    expect(() => config({ tokenCustomers: 0 })).toThrow(/tokenCustomers/);
  });

  it("the default config keeps 60 customers per name token (docs/model.md: 1.19x recall over 30)", () => {
    // "acme" is in 75 products' names, each with its own customer: 75 qualify for it.
    const data = interactions(
      Array.from(
        { length: 75 },
        (_, i): Row => [`c${i}`, `a${i}`, "cart", "2022-10-01T10:00:00Z", `Acme M${i}`],
      ),
    );
    const longest = (settings: Config) => {
      const { affinity } = affinityFor(settings, data);
      let most = 0;
      for (let t = 0; t + 1 < affinity.tokenStart.length; t++)
        most = Math.max(most, affinity.tokenStart[t + 1] - affinity.tokenStart[t]);
      return most;
    };
    // Pinned on purpose: going back to 30 is a model change to measure, not a refactor.
    expect(DEFAULT_TOKEN_CUSTOMERS).toBe(60);
    expect(defaultConfig().tokenCustomers).toBe(DEFAULT_TOKEN_CUSTOMERS);
    expect(longest(defaultConfig())).toBe(60);
    expect(longest(config())).toBe(60);
    expect(longest(config({ tokenCustomers: 30 }))).toBe(30);
  });

  it("rejects an unknown method and a negative shrink, naming the field", () => {
    expect(() => config({ itemSimilarity: { method: "jaccard" } })).toThrow(/itemSimilarity\.method/);
    expect(() => config({ itemSimilarity: { method: "itemknn", shrink: -1 } })).toThrow(
      /itemSimilarity\.shrink/,
    );
    expect(() => config({ customerModel: "pareto" })).toThrow(/customerModel/);
    expect(() => config({ bgnbd: { horizonDays: 0 } })).toThrow(/bgnbd\.horizonDays/);
  });
});
