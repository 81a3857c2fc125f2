// A build whose guess that the exposure cap never binds fails (rank.ts, fairPassPlan and
// restartableAudiences; docs/model.md "Build cost"): the sampled products are exactly the
// ones the heavy customer bought, so the sample sees nothing, and the cap binds later.
// The build must then throw away what it wrote and come out as the fair two-pass ranking.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../pipeline/config.js";
import { build } from "../../pipeline/serialize/build.js";
import type { RecommendationResponse } from "../../worker/contract.js";
import { tempDir } from "../helpers/tmp.js";

describe("a build whose single pass is undone", () => {
  it("restarts when the cap binds after all: the cap holds, by ranking order on ties, and only the final pass is on disk", async () => {
    const dir = tempDir();
    const csv = join(dir, "log.csv");
    // 64 products with one row each, so the ranking visits them in log order. X bought
    // products 100, 116, 132 and 148 (every 16th: the sampled ones) and is the most engaged
    // customer; every other product has a customer of its own (c1 .. c63, newer and newer).
    const rows = ["customer_id,product_id,event,event_date,product_name"];
    for (let i = 0; i < 64; i++) {
      const date = `2026-10-${String(1 + Math.floor(i / 3)).padStart(2, "0")}T${String(10 + (i % 3)).padStart(2, "0")}:00:00Z`;
      rows.push(i % 16 === 0 ? `X,${100 + i},purchased,${date},` : `c${i},${100 + i},cart,${date},`);
    }
    writeFileSync(csv, `${rows.join("\n")}\n`);
    // Uncapped, X is first in the 60 other products' audiences. The sample (products 100,
    // 116, 132, 148) excludes X and shows no one in more than 4 of its top 10s: 4 · 16 = 64
    // is within 1.25 · 55, so the build ranks once, and X reaches 55 on the way.
    const config = parseConfig({ variants: [5, 10], exposureCap: 55 });
    const result = await build({
      inputs: [csv],
      outDir: join(dir, "out"),
      config,
      now: new Date("2026-11-30T08:00:00Z"),
    });
    expect(result.restarted).toBe(true);
    // The sample (4), the single pass up to where the cap bound, then the fair pass: every
    // product's top 10, again for X (the sample never saw X, so the first probe kept no
    // places of X's), and every product again.
    expect(result.rankings).toBeGreaterThan(4 + 3 * 64);
    expect(result.rankings).toBeLessThan(4 + 4 * 64);

    const kv = join(result.dir, "kv");
    expect(readdirSync(kv).map((file) => `kv/${file}`)).toEqual(
      result.manifest.parts.map((part) => part.file),
    );
    const pairs = new Map<string, string>();
    for (const file of readdirSync(kv).sort())
      for (const { key, value } of JSON.parse(readFileSync(join(kv, file), "utf8")) as {
        key: string;
        value: string;
      }[]) {
        expect(pairs.has(key), key).toBe(false);
        pairs.set(key, value);
      }
    expect(pairs.size).toBe(result.manifest.counts.keys);
    // The retarget audiences written before the restart are written again after it: one per carted product.
    const retarget = [...pairs.keys()].filter((key) => key.startsWith(`v/${result.version}/retarget/`));
    expect(retarget).toHaveLength(60);

    const top10 = (product: number) =>
      (
        JSON.parse(pairs.get(`v/${result.version}/rec/${product}/10`)!) as RecommendationResponse
      ).recommendations.map((r) => String(r.customer_id));
    const holdingX: number[] = [];
    const exposure = new Map<string, number>();
    for (let i = 0; i < 64; i++) {
      const ids = top10(100 + i);
      if (ids.includes("X")) holdingX.push(100 + i);
      for (const id of ids) exposure.set(id, (exposure.get(id) ?? 0) + 1);
    }
    for (const [id, n] of exposure) expect(n, id).toBeLessThanOrEqual(55);
    // X fits every product equally, so the tie goes to the earlier products: the first 55
    // that X did not buy (101..158 without 116, 132, 148), none of 159..163.
    const expected: number[] = [];
    for (let p = 101; p <= 158; p++) if ((p - 100) % 16 !== 0) expected.push(p);
    expect(holdingX).toEqual(expected);
  });
});
