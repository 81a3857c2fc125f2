// stats.json against values worked out by hand on test/fixtures/ingest/stats.csv:
// ten kept rows on 2022-10-01 .. 2022-10-10 at midnight, one duplicate, one row
// without a customer. Customers c1 (days 1, 2, 5, 10), c2 (3, 8), c3..c6 once each.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { computeStats, writeAnalysis } from "../../pipeline/analyze/analyze.js";
import { defaultConfig } from "../../pipeline/config.js";
import { ingest } from "../../pipeline/ingest/ingest.js";
import { runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

const FIXTURE = "test/fixtures/ingest/stats.csv";

describe("computeStats", () => {
  it("matches the hand-worked figures", async () => {
    const stats = computeStats(await ingest([FIXTURE], { config: defaultConfig() }));
    expect(stats).toEqual({
      total_interactions: 10,
      unique_users: 6,
      unique_products: 6,
      date_range: { start: "2022-10-01T00:00:00Z", end: "2022-10-10T00:00:00Z" },
      // 9 distinct (customer, product) pairs (c1·p1 twice) of 6 × 6 cells.
      sparsity: 0.75,
      // Position 0.8 × (10 − 1) = 7.2 in the sorted times: day 8 plus 0.2 of a day.
      period_split: { quantile: 0.8, at: "2022-10-08T04:48:00Z" },
      // Early = days 1..8: c1..c5; late = days 9, 10: c6, c1; c1 returns.
      user_retention: {
        early_period_users: 5,
        late_period_users: 2,
        returning_users: 1,
        retention_rate_pct: 20,
      },
      // Counts 4, 2, 1, 1, 1, 1: median 1, mean 10 / 6, one-time 4 / 6, 2..5: 2 / 6.
      user_behavior: {
        median_interactions_per_user: 1,
        mean_interactions_per_user: 1.67,
        one_time_users_pct: 66.67,
        low_activity_users_pct: 33.33,
        power_users_pct: 0,
      },
      // Early products p1..p5; late p5 (day 9) and p6 (day 10); p6 is new.
      product_churn: {
        early_period_products: 5,
        late_period_products: 2,
        new_products_in_test: 1,
        new_products_pct: 50,
      },
      event_distribution: {
        counts: { cart: 5, purchased: 2, rating: 1, search_keyword: 1, wishlist: 1 },
        percentages: { cart: 50, purchased: 20, rating: 10, search_keyword: 10, wishlist: 10 },
      },
      ingest: {
        rows_read: 12,
        rows_kept: 10,
        rejected: {
          malformed_row: 0,
          missing_customer_id: 1,
          missing_product_id: 0,
          missing_event: 0,
          unknown_event: 0,
          invalid_date: 0,
          invalid_id: 0,
          duplicate: 1,
          bot: 0,
        },
      },
    });
  });

  it("an input with no usable row gives zeros, not NaN or a crash", async () => {
    const data = await ingest([FIXTURE], { config: { ...defaultConfig(), eventWeights: { view: 1 } } });
    const stats = computeStats(data);
    expect(stats.total_interactions).toBe(0);
    expect(stats.date_range).toEqual({ start: null, end: null });
    expect(stats.user_retention.retention_rate_pct).toBe(0);
    expect(JSON.stringify(stats)).not.toMatch(/NaN/);
    const { reportPath } = await writeAnalysis(data, tempDir());
    expect(readFileSync(reportPath, "utf8")).toContain("no rows kept");
  });
});

describe("audience analyze", () => {
  it("writes stats.json, a self-contained report.html and rejected.csv", async () => {
    const out = tempDir();
    const r = await runCli("analyze", FIXTURE, "--out", out, "--quiet");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("12 rows read: 10 kept, 2 rejected");
    const stats = JSON.parse(readFileSync(join(out, "stats.json"), "utf8"));
    expect(stats.user_retention.returning_users).toBe(1);
    expect(stats.ingest.rejected.duplicate).toBe(1);

    const html = readFileSync(join(out, "report.html"), "utf8");
    // Five charts, drawn as inline SVG, and nothing fetched from anywhere.
    expect(html.match(/<svg[\s>]/g)?.length).toBe(5);
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(/i);
    expect(html.replace(/xmlns(:xlink)?="http:\/\/www\.w3\.org\/[^"]*"/g, "")).not.toMatch(/https?:\/\//);
    // The same figures as tables: the event mix row for cart, the accounting row.
    expect(html).toMatch(/<td>cart<\/td><td class="num">5<\/td><td class="num">50%<\/td>/);
    expect(html).toMatch(/<td>duplicate<\/td><td class="num">1<\/td>/);

    const rejected = readFileSync(join(out, "rejected.csv"), "utf8").trim().split("\n");
    expect(rejected).toEqual([
      "source,line,reason,raw",
      `${FIXTURE},12,duplicate,"c1,p1,Cart,2022-10-01T00:00:00Z,A"`,
      `${FIXTURE},13,missing_customer_id,",p1,cart,2022-10-01 00:00:00,A"`,
    ]);
  });

  it("a usage error ends the real process at once (the preloaded chart worker does not hold it)", () => {
    const file = join(tempDir(), "no-header.csv");
    writeFileSync(file, '"customer_id,product_id,event,event_date\n1,2,cart,2022-10-01\n');
    const r = spawnSync(
      process.execPath,
      ["pipeline/bin.mjs", "analyze", file, "--out", tempDir(), "--quiet"],
      {
        encoding: "utf8",
        timeout: 45_000,
      },
    );
    expect(r.error).toBeUndefined(); // a timeout would be an error here
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(
      `audience: error: ${file}: no readable header row (a quote is never closed)`,
    );
  });

  it("a bad config names the field and exits 2", async () => {
    const dir = tempDir();
    const cfg = join(dir, "config.json");
    writeFileSync(cfg, JSON.stringify({ botMaxPerDay: "many" }));
    const r = await runCli("analyze", FIXTURE, "--out", dir, "--config", cfg, "--quiet");
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/botMaxPerDay: .*number/i);
  });
});
