// `audience generate --shape`: each shape moves the one property it names, and the default
// shape is the generator as it was (same bytes as no shape at all).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { computeStats, type Stats } from "../../pipeline/analyze/stats.js";
import { defaultConfig } from "../../pipeline/config.js";
import { generate } from "../../pipeline/generate/generate.js";
import { SHAPE_NAMES, type ShapeName } from "../../pipeline/generate/shapes.js";
import { type Interactions, ingest } from "../../pipeline/ingest/ingest.js";
import { runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

/** Of two different products one customer touched, how often do they share a family (first two words)? */
function sameFamilyShare(data: Interactions): number {
  const family = (p: number) => data.productNames[p].split(" ").slice(0, 2).join(" ");
  const firstOf = new Map<number, number>();
  let same = 0;
  let pairs = 0;
  for (let r = 0; r < data.count; r++) {
    const first = firstOf.get(data.customer[r]);
    if (first === undefined) firstOf.set(data.customer[r], data.product[r]);
    else if (first !== data.product[r]) {
      pairs++;
      if (family(first) === family(data.product[r])) same++;
    }
  }
  return same / pairs;
}

describe("generator shapes", () => {
  const dir = tempDir();
  const logs = new Map<ShapeName, { data: Interactions; stats: Stats }>();

  beforeAll(async () => {
    for (const shape of SHAPE_NAMES) {
      const out = join(dir, `${shape}.csv`);
      await generate({ rows: 30_000, seed: 3, out, shape });
      const data = await ingest([out], { config: defaultConfig() });
      logs.set(shape, { data, stats: computeStats(data) });
    }
  });

  it("the default shape writes the same bytes as no shape", async () => {
    await generate({ rows: 30_000, seed: 3, out: join(dir, "none.csv") });
    expect(readFileSync(join(dir, "none.csv")).equals(readFileSync(join(dir, "default.csv")))).toBe(true);
  });

  it("loyal keeps customers in their family more than the default, fickle less", () => {
    const share = (s: ShapeName) => sameFamilyShare(logs.get(s)!.data);
    expect(share("loyal")).toBeGreaterThan(share("default") * 1.2);
    expect(share("fickle")).toBeLessThan(share("default") * 0.8);
  });

  it("repeat has fewer one-time customers; longtail has more products for the same rows", () => {
    const oneTime = (s: ShapeName) => logs.get(s)!.stats.user_behavior.one_time_users_pct;
    expect(Math.abs(oneTime("default") - 88.78)).toBeLessThan(1.5);
    expect(oneTime("repeat")).toBeLessThan(80);
    const products = (s: ShapeName) => logs.get(s)!.stats.unique_products;
    expect(products("longtail")).toBeGreaterThan(products("default") * 1.3);
  });

  it("an unknown --shape is a usage error (exit 2)", async () => {
    const result = await runCli("generate", "--rows", "10", "--shape", "spiky", "--out", join(dir, "x.csv"));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--shape: unknown shape "spiky"/);
  });
});
