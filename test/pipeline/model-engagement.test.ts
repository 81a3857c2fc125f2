import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../pipeline/config.js";
import { computeEngagement, percentileRanks } from "../../pipeline/model/engagement.js";
import { rank } from "../../pipeline/model/rank.js";
import { config, idsOf, interactions, type Row, THREE_CUSTOMERS } from "./model-fixture.js";

describe("engagement", () => {
  it("percentile ranks: ties share their mid rank, an extreme value does not flatten the rest", () => {
    // Sorted: 1, 1, 5, 100 at positions 0..3 of 3 steps; the tie sits at (0 + 1) / 2 / 3.
    expect(Array.from(percentileRanks(Float64Array.from([100, 1, 5, 1])))).toEqual([1, 1 / 6, 2 / 3, 1 / 6]);
  });

  it("percentile ranks: each value's mid rank among all values, on many ties and one-off values", () => {
    let seed = 3;
    const rand = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    // Thousands of distinct values: the table of distinct values grows several times.
    const values = Float64Array.from({ length: 6000 }, () =>
      rand() < 0.4 ? Math.floor(rand() * 4) : rand() < 0.5 ? -rand() * 100 : rand() * 100,
    );
    const ranks = percentileRanks(values);
    for (let c = 0; c < values.length; c++) {
      let below = 0;
      let equal = 0;
      for (const v of values) {
        if (v < values[c]) below++;
        else if (v === values[c]) equal++;
      }
      expect(ranks[c]).toBe((below + below + equal - 1) / 2 / (values.length - 1));
    }
    expect(Array.from(percentileRanks(Float64Array.of(42)))).toEqual([1]);
    // -0 and 0 are one value, as they are to <, === and a Map.
    expect(Array.from(percentileRanks(Float64Array.of(0, 1, -0)))).toEqual([0.25, 1, 0.25]);
  });

  it("scores volume, breadth, quality and intensity by percentile rank with the configured weights", () => {
    const data = interactions(THREE_CUSTOMERS);
    const e = computeEngagement(
      data,
      config({
        engagementWeights: { volume: 0.35, breadth: 0.25, quality: 0.2, intensity: 0.15, recency: 0 },
      }),
    );
    // volume 3,1,2 → 1, 0, 0.5; breadth 3,1,1 → 1, .25, .25; quality 5,3,3 → 1, .25, .25;
    // intensity 1,1,2 → .25, .25, 1. Weighted and divided by the weights' sum, 0.95.
    expect(e.score[0]).toBeCloseTo((0.35 + 0.25 + 0.2 + 0.15 * 0.25) / 0.95, 12);
    expect(e.score[1]).toBeCloseTo((0.25 * 0.25 + 0.2 * 0.25 + 0.15 * 0.25) / 0.95, 12);
    expect(e.score[2]).toBeCloseTo((0.35 * 0.5 + 0.25 * 0.25 + 0.2 * 0.25 + 0.15) / 0.95, 12);
    expect(idsOf(data, e.order)).toEqual(["A", "C", "B"]);
  });

  it("recency decays as exp(-days / recencyDecayDays) from the newest row", () => {
    const data = interactions([
      ["old", "p1", "cart", "2022-10-01T00:00:00Z"],
      ["new", "p2", "cart", "2022-12-30T00:00:00Z"],
    ]);
    const only = { volume: 0, breadth: 0, quality: 0, intensity: 0, recency: 1 };
    const e = computeEngagement(data, config({ engagementWeights: only, recencyDecayDays: 90 }));
    expect(e.score[1]).toBe(1);
    expect(e.score[0]).toBeCloseTo(Math.exp(-1), 12); // 90 days older
  });

  it("customerModel bgnbd: recent regulars first, then recent one-time customers, lapsed ones last", () => {
    const rows: Row[] = [];
    const day = (d: number) => new Date(Date.UTC(2023, 0, 1) + d * 86_400_000).toISOString();
    // Day 180 is the end of the log. Regulars active on 4 days in the last month, lapsed
    // regulars on 4 days five months ago, and one-time customers a week or five months ago.
    for (let i = 0; i < 20; i++) {
      for (const d of [150, 160, 170, 178]) rows.push([`regular${i}`, `p${i}`, "cart", day(d)]);
      for (const d of [5, 10, 15, 20]) rows.push([`lapsed${i}`, `p${i}`, "cart", day(d)]);
      rows.push([`recent${i}`, `p${i}`, "cart", day(173)]);
      rows.push([`old${i}`, `p${i}`, "cart", day(30)]);
    }
    rows.push(["last", "p0", "cart", day(180)]);
    const data = interactions(rows);
    const e = computeEngagement(data, config({ customerModel: "bgnbd" }));
    const mean = (prefix: string) => {
      const cs = data.customers.flatMap((id, c) => (id.startsWith(prefix) ? [c] : []));
      return cs.reduce((sum, c) => sum + e.score[c], 0) / cs.length;
    };
    expect(mean("regular")).toBeGreaterThan(mean("recent"));
    expect(mean("recent")).toBeGreaterThan(mean("old"));
    expect(mean("recent")).toBeGreaterThan(mean("lapsed"));
    for (let c = 0; c < data.customers.length; c++) expect(e.score[c]).toBeGreaterThanOrEqual(0);
    for (let c = 0; c < data.customers.length; c++) expect(e.score[c]).toBeLessThanOrEqual(1);
    // The engagement blend scores the lapsed regulars (more volume) above the recent one-timers.
    const plain = computeEngagement(data, config());
    const plainMean = (prefix: string) => {
      const cs = data.customers.flatMap((id, c) => (id.startsWith(prefix) ? [c] : []));
      return cs.reduce((sum, c) => sum + plain.score[c], 0) / cs.length;
    };
    expect(plainMean("lapsed")).toBeGreaterThan(plainMean("recent"));
  });

  it("the default customer score is BG/NBD's, and the cold-start audience follows it", () => {
    const rows: Row[] = [];
    const day = (d: number) => new Date(Date.UTC(2023, 0, 1) + d * 86_400_000).toISOString();
    for (let i = 0; i < 20; i++) {
      for (const d of [5, 10, 15, 20, 25, 30]) rows.push([`lapsed${i}`, `p${i}`, "cart", day(d)]);
      rows.push([`recent${i}`, `p${i}`, "cart", day(175 + (i % 5))]);
      rows.push([`old${i}`, `p${i}`, "cart", day(30)]);
    }
    const data = interactions(rows);
    expect(defaultConfig().customerModel).toBe("bgnbd");
    const byDefault = computeEngagement(data, defaultConfig());
    const bgnbd = computeEngagement(data, config({ customerModel: "bgnbd" }));
    expect(Array.from(byDefault.score)).toEqual(Array.from(bgnbd.score));
    // The fallback (rank.ts) is the customer order: the recent one-time customers lead it,
    // ahead of the customers who were busy five months ago and never came back.
    const ranking = rank(data, defaultConfig());
    const fallback = idsOf(ranking.customerIds, ranking.fallback.customers);
    expect(fallback.slice(0, 20).every((id) => id.startsWith("recent"))).toBe(true);
    // The engagement score puts the lapsed customers' volume first.
    const engaged = rank(data, config());
    expect(idsOf(engaged.customerIds, engaged.fallback.customers)[0]).toMatch(/^lapsed/);
  });
});
