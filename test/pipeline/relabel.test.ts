// The ranking's customer numbering (relabel.ts): visit order, and audiences that do not
// depend on how the input happened to number its customers.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../pipeline/config.js";
import { generate } from "../../pipeline/generate/generate.js";
import { type Interactions, ingest } from "../../pipeline/ingest/ingest.js";
import { rank } from "../../pipeline/model/rank.js";
import { visitOrder } from "../../pipeline/model/relabel.js";
import type { ProductTokens } from "../../pipeline/model/tokens.js";
import { tempDir } from "../helpers/tmp.js";

describe("visitOrder", () => {
  it("numbers customers as the products, in ranking order, first reach them: token lists, then own customers", () => {
    // Product 1 is ranked first. Its token 0 lists customers 5 and 2, it has customer 4.
    // Product 0 also carries token 0 (met already) and token 1 (3, then 2 again), and has
    // customers 2 and 0. Customers 1 and 6 are never reached: engagement order (6 before 1).
    const tokens = {
      start: Int32Array.of(0, 2, 3),
      tokens: Int32Array.of(0, 1, 0),
      count: 2,
    } as ProductTokens;
    const lists = {
      start: Int32Array.of(0, 2, 4),
      customers: Int32Array.of(5, 2, 3, 2),
      strength: new Float32Array(4),
    };
    const byProduct = { start: Int32Array.of(0, 2, 3), rows: Int32Array.of(0, 1, 2) };
    const productCustomer = Int32Array.of(2, 0, 4);
    const engagementOrder = Int32Array.of(6, 0, 1, 2, 3, 4, 5);
    const got = visitOrder(
      Int32Array.of(1, 0),
      byProduct,
      productCustomer,
      { tokens, lists },
      engagementOrder,
    );
    expect(Array.from(got)).toEqual([5, 2, 4, 3, 0, 6, 1]);
    expect(
      Array.from(visitOrder(Int32Array.of(1, 0), byProduct, productCustomer, undefined, engagementOrder)),
    ).toEqual([4, 2, 0, 6, 1, 3, 5]);
  });
});

/** The same log with its customers numbered in another order (a fixed shuffle). */
function renumbered(data: Interactions): Interactions {
  const C = data.customers.length;
  const to = Int32Array.from({ length: C }, (_, c) => c);
  let seed = 7;
  for (let i = C - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const j = seed % (i + 1);
    [to[i], to[j]] = [to[j], to[i]];
  }
  const customers = new Array<string>(C);
  for (let c = 0; c < C; c++) customers[to[c]] = data.customers[c];
  return { ...data, customers, customer: Int32Array.from(data.customer, (c) => to[c]) };
}

function audiences(data: Interactions, exposureCap: number, suppress: Set<string>): string[] {
  const ranking = rank(data, { ...defaultConfig(), exposureCap }, { suppress });
  const out: string[] = [];
  for (const [p, a] of ranking.audiences()) {
    const entries = Array.from(a.customers, (c, i) => `${ranking.customerIds[c]}:${a.scores[i]}`);
    out.push(`${data.products[p]} ${entries.join(" ")}`);
  }
  return out.sort();
}

describe("the ranking's numbering", () => {
  it("gives the same audiences, ids and scores, however the input numbers its customers", async () => {
    const dir = tempDir();
    await generate({ rows: 4000, seed: "relabel", out: join(dir, "log.csv") });
    const data = await ingest([join(dir, "log.csv")], { config: defaultConfig() });
    const suppress = new Set(data.customers.filter((_, c) => c % 11 === 5));
    const other = renumbered(data);
    expect(other.customers).not.toEqual(data.customers);
    // With the cap binding (an audience's order then depends on which customers are capped first) and without.
    for (const cap of [3, 0]) {
      const want = audiences(data, cap, suppress);
      expect(want.length).toBe(data.products.length);
      expect(audiences(other, cap, suppress)).toEqual(want);
    }
  });
});
