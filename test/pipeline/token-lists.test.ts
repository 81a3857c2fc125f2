// Per-token customer lists (token-lists.ts): the bounded best-first list per token, and the
// customer-by-customer walk against a plain token-by-token definition.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../pipeline/config.js";
import { generate } from "../../pipeline/generate/generate.js";
import { MS_PER_DAY } from "../../pipeline/ingest/dates.js";
import { ingest } from "../../pipeline/ingest/ingest.js";
import { gather, groupRows, newestFirst } from "../../pipeline/model/groups.js";
import { BestPerToken, type TokenListInput, tokenLists } from "../../pipeline/model/token-lists.js";
import { tokenizeProducts } from "../../pipeline/model/tokens.js";
import { tempDir } from "../helpers/tmp.js";

/** Offers (customer, x, position) to one token keeping k; returns the kept customers. */
function run(offers: [number, number, number][], k: number): number[] {
  const best = new BestPerToken(Int32Array.of(k));
  for (const [c, x, at] of offers) best.offer(0, c, x, at);
  return Array.from(best.kept(0).customers);
}

describe("BestPerToken", () => {
  it("keeps the k largest x, best first", () => {
    const xs = [1, 5, 3, 0.5, 4, 2];
    expect(
      run(
        xs.map((x, c) => [c, x, c]),
        3,
      ),
    ).toEqual([1, 4, 2]);
  });

  it("breaks equal x by the earlier engagement position, whatever the offer order", () => {
    const positions = [2, 0, 1];
    expect(
      run(
        [0, 1, 2].map((c) => [c, 7, positions[c]]),
        2,
      ),
    ).toEqual([1, 2]);
    expect(
      run(
        [2, 0, 1].map((c) => [c, 7, positions[c]]),
        2,
      ),
    ).toEqual([1, 2]);
  });

  it("never lets a late full tie (suppressed customers share position -1) displace a kept one", () => {
    expect(
      run(
        [
          [3, 4, -1],
          [1, 4, -1],
          [2, 4, -1],
        ],
        2,
      ),
    ).toEqual([3, 1]);
  });

  it("keeps tokens apart and returns fewer than k when fewer were offered", () => {
    const best = new BestPerToken(Int32Array.of(30, 2));
    best.offer(1, 5, 1, 0);
    best.offer(0, 1, 2, 1);
    best.offer(0, 0, 3, 2);
    expect(Array.from(best.kept(0).customers)).toEqual([0, 1]);
    expect(Array.from(best.kept(1).customers)).toEqual([5]);
  });
});

/** The definition, token by token: x summed over the token's products in order, rows newest first. */
function byDefinition(input: TokenListInput) {
  const { data, byProduct, tokens, position, perToken } = input;
  const maxWeight = Math.max(...data.eventWeights) || 1;
  const now = Math.max(...data.time);
  const lists: { customers: number[]; strength: number[] }[] = [];
  for (let t = 0; t < tokens.count; t++) {
    const x = new Map<number, number>();
    if (tokens.df[t] >= 2) {
      for (let p = 0; p < data.products.length; p++) {
        if (!tokens.tokens.subarray(tokens.start[p], tokens.start[p + 1]).includes(t)) continue;
        for (let j = byProduct.start[p]; j < byProduct.start[p + 1]; j++) {
          const r = byProduct.rows[j];
          const w =
            (data.eventWeights[data.event[r]] / maxWeight) *
            Math.exp(-(now - data.time[r]) / MS_PER_DAY / input.recencyDecayDays);
          x.set(data.customer[r], (x.get(data.customer[r]) ?? 0) + w);
        }
      }
    }
    const kept = [...x].sort((a, b) => b[1] - a[1] || position[a[0]] - position[b[0]]).slice(0, perToken);
    lists.push({
      customers: kept.map(([c]) => c),
      strength: kept.map(([, v]) => Math.fround(1 - Math.exp(-v))),
    });
  }
  return lists;
}

describe("tokenLists", () => {
  it("gives every token the customers and strengths of the token-by-token definition", async () => {
    const dir = tempDir();
    await generate({ rows: 6000, seed: "tokens", out: join(dir, "log.csv") });
    const data = await ingest([join(dir, "log.csv")], { config: defaultConfig() });
    const order = newestFirst(data);
    const byCustomer = groupRows(data.customer, order, data.customers.length);
    const byProduct = groupRows(data.product, order, data.products.length);
    // A scrambled engagement order with every 7th customer suppressed (position -1).
    const position = Int32Array.from({ length: data.customers.length }, (_, c) =>
      c % 7 === 3 ? -1 : (c * 7919) % 100_003,
    );
    const input: TokenListInput = {
      data,
      byCustomer,
      customerProduct: gather(data.product, byCustomer.rows),
      byProduct,
      tokens: tokenizeProducts(data.productNames),
      position,
      perToken: 5,
      recencyDecayDays: 30,
    };
    const got = tokenLists(input);
    const want = byDefinition(input);
    let full = 0;
    for (let t = 0; t < input.tokens.count; t++) {
      const customers = Array.from(got.customers.subarray(got.start[t], got.start[t + 1]));
      const strength = Array.from(got.strength.subarray(got.start[t], got.start[t + 1]));
      // Suppressed customers that tie may be kept in another order; the rest must match exactly.
      const eligible = (list: number[]) => list.filter((c) => position[c] >= 0);
      expect(customers.length).toBe(want[t].customers.length);
      expect(eligible(customers)).toEqual(eligible(want[t].customers));
      expect(strength).toEqual(want[t].strength);
      if (customers.length === 5) full++;
    }
    expect(full).toBeGreaterThan(20);
  });
});
