// `audience generate`: deterministic per seed, shaped like the real export's published figures (docs/data.md),
// and still carrying the structure a product-aware model can find.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { computeStats, type Stats } from "../../pipeline/analyze/stats.js";
import { defaultConfig } from "../../pipeline/config.js";
import { generate } from "../../pipeline/generate/generate.js";
import { type Interactions, ingest } from "../../pipeline/ingest/ingest.js";
import { runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

describe("generate", () => {
  const dir = tempDir();
  let data: Interactions;
  let stats: Stats;

  beforeAll(async () => {
    await generate({ rows: 50_000, seed: 1, out: join(dir, "a.csv") });
    data = await ingest([join(dir, "a.csv")], { config: defaultConfig() });
    stats = computeStats(data);
  });

  it("the same seed writes the same bytes; another seed does not", async () => {
    await generate({ rows: 2_000, seed: "s", out: join(dir, "s1.csv"), dirty: true });
    await generate({ rows: 2_000, seed: "s", out: join(dir, "s2.csv"), dirty: true });
    await generate({ rows: 2_000, seed: "t", out: join(dir, "t.csv"), dirty: true });
    const s1 = readFileSync(join(dir, "s1.csv"));
    expect(s1.equals(readFileSync(join(dir, "s2.csv")))).toBe(true);
    expect(s1.equals(readFileSync(join(dir, "t.csv")))).toBe(false);
  });

  // The real export (498,879 rows, docs/data.md): 433,787 customers, 200,325 products, 88.78% one-time,
  // retention 3.05%, 56.98% new late-period products, cart 60.99%, purchased 33.30%.
  // These ratios do not depend on size, so 50,000 rows check them in a second.
  it("matches the real export's published shape", () => {
    expect(stats.total_interactions).toBe(50_000);
    expect(Math.abs(stats.unique_users / 50_000 / (433_787 / 498_879) - 1)).toBeLessThan(0.03);
    expect(Math.abs(stats.unique_products / 50_000 / (200_325 / 498_879) - 1)).toBeLessThan(0.05);
    expect(Math.abs(stats.user_behavior.one_time_users_pct - 88.78)).toBeLessThan(1);
    expect(stats.user_behavior.median_interactions_per_user).toBe(1);
    expect(Math.abs(stats.user_behavior.mean_interactions_per_user - 1.15)).toBeLessThan(0.03);
    expect(Math.abs(stats.user_retention.retention_rate_pct - 3.05)).toBeLessThan(0.5);
    expect(Math.abs(stats.product_churn.new_products_pct - 56.98)).toBeLessThan(3);
    const e = stats.event_distribution.percentages;
    expect(Math.abs(e.cart - 60.99)).toBeLessThan(1);
    expect(Math.abs(e.purchased - 33.3)).toBeLessThan(1);
    expect(Math.abs(e.wishlist - 4.45)).toBeLessThan(0.5);
    expect(stats.date_range.start! >= "2022-10-01T00:00:00Z").toBe(true);
    expect(stats.date_range.end! < "2023-04-01T00:00:00Z").toBe(true);
    expect(stats.ingest.rows_kept).toBe(50_000);
  });

  it("names carry brand and model words, and returning customers keep to a brand", () => {
    const brand = (p: number) => data.productNames[p].split(" ")[0];
    expect(data.productNames.every((n) => n.split(" ").length >= 4)).toBe(true);
    // Of two different products one returning customer touched, how often do the
    // brands match, against two products drawn at random?
    const firstOf = new Map<number, number>();
    let same = 0,
      pairs = 0;
    for (let r = 0; r < data.count; r++) {
      const c = data.customer[r];
      const p = data.product[r];
      const first = firstOf.get(c);
      if (first === undefined) firstOf.set(c, p);
      else if (first !== p) {
        pairs++;
        if (brand(first) === brand(p)) same++;
      }
    }
    let randomSame = 0;
    for (let i = 0; i < pairs; i++) {
      const a = data.product[(i * 7919) % data.count];
      const b = data.product[(i * 104_729 + 13) % data.count];
      if (brand(a) === brand(b)) randomSame++;
    }
    expect(pairs).toBeGreaterThan(1000);
    expect(same / pairs).toBeGreaterThan(3 * (randomSame / pairs));
  });

  it("--dirty writes an odd-case header with a leading index column", async () => {
    const file = join(dir, "dirty.csv");
    await generate({ rows: 1_000, seed: 2, out: file, dirty: true });
    const lines = readFileSync(file, "utf8").split("\n");
    expect(lines[0]).toBe(",Customer_ID, Product_Id ,EVENT,Event_Date,Product_Name");
    expect(lines[1].startsWith("0,")).toBe(true);
    expect(lines[500].startsWith("499,")).toBe(true);
  });

  it("--rows defaults to 500,000 and a bad value is a usage error", async () => {
    const help = await runCli("generate", "--help");
    expect(help.stdout).toMatch(/--rows <n>.*\(default: 500000\)/s);
    const bad = await runCli("generate", "--rows", "lots", "--out", join(dir, "x.csv"));
    expect(bad.code).toBe(2);
    const tooSmall = await runCli(
      "generate",
      "--rows",
      "10",
      "--dirty",
      "--out",
      join(dir, "x.csv"),
      "--quiet",
    );
    expect(tooSmall.code).toBe(2);
    expect(tooSmall.stderr).toContain("--dirty needs --rows of at least 100");
  });
});
