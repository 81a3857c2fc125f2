import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../pipeline/config.js";
import { generate } from "../../pipeline/generate/generate.js";
import { ingest } from "../../pipeline/ingest/ingest.js";
import { evaluate } from "../../pipeline/model/evaluate.js";
import { runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";
import { config, interactions, type Row } from "./model-fixture.js";

describe("evaluate", () => {
  // Nine rows: the 0.8 quantile of their times is the 7th (h = 0.8 · 8 = 6.4, between
  // two rows of 2022-10-10), so the cut falls on 2022-10-10T00:00Z.
  const rows: Row[] = [
    ["A", "p1", "cart", "2022-10-01T00:00:00Z"],
    ["B", "p1", "cart", "2022-10-02T00:00:00Z"],
    ["A", "p2", "cart", "2022-10-03T00:00:00Z"],
    ["C", "p3", "cart", "2022-10-04T00:00:00Z"],
    ["B", "p1", "purchased", "2022-10-10T00:00:00Z"], // not new to p1: no truth
    ["C", "p1", "cart", "2022-10-10T00:00:00Z"], // truth, customer seen in train
    ["E", "p1", "cart", "2022-10-10T00:00:00Z"], // truth, customer never seen
    ["A", "p3", "cart", "2022-10-10T00:00:00Z"], // truth, seen
    ["D", "p4", "cart", "2022-10-11T00:00:00Z"], // p4 unknown in train: not evaluated
  ];

  it("splits at the 0.8 row quantile of event time and builds the truth from customers new to each product", () => {
    const e = evaluate(interactions(rows), config(), { ks: [5] });
    expect(e.split).toEqual({
      train_share: 0.8,
      cutoff: "2022-10-10T00:00:00.000Z",
      train_rows: 4,
      test_rows: 5,
    });
    expect(e.products).toEqual({ test_products: 3, evaluated: 2, coverage: 2 / 3 });
    expect(e.truth_pairs).toBe(3);
    expect(e.ceiling).toBe(2 / 3);
    // Train customers are A, B, C. p1 excludes A and B, so every model's audience is [C]:
    // recall 1/2 (E was never seen). p3 excludes C: the audience holds A, recall 1.
    for (const model of ["random", "activity", "engagement", "full"] as const) {
      expect(e.models[model].recall["5"], model).toBe(0.75);
      expect(e.models[model].hit_rate["5"], model).toBe(1);
      expect(e.models[model].precision["5"], model).toBeCloseTo((1 / 5 + 1 / 5) / 2, 12);
    }
  });

  it("the full model beats random audiences on a generated log with structure", async () => {
    const dir = tempDir();
    const file = join(dir, "log.csv");
    await generate({ rows: 30_000, seed: 11, out: file });
    const cfg = defaultConfig();
    const data = await ingest([file], { config: cfg });
    const e = evaluate(data, cfg);
    expect(e.products.evaluated).toBeGreaterThan(100);
    expect(e.models.full.recall["100"]).toBeGreaterThan(2 * e.models.random.recall["100"]);
    expect(e.models.full.hit_rate["100"]).toBeGreaterThan(2 * e.models.random.hit_rate["100"]);
    expect(e.models.full.ndcg["100"]).toBeGreaterThan(e.models.random.ndcg["100"]);
    // And its audiences differ between products, unlike one global ranking.
    expect(e.models.full.diversity.distinct_share).toBeGreaterThan(
      10 * e.models.activity.diversity.distinct_share,
    );
    expect(e.models.full.diversity.max_share).toBeLessThan(0.5);
  });

  it("`audience evaluate` writes evaluation.json and prints the table", async () => {
    const dir = tempDir();
    const csv = join(dir, "in.csv");
    const { writeFile } = await import("node:fs/promises");
    await writeFile(
      csv,
      "customer_id,product_id,event,event_date\n" +
        rows.map((r) => `${r[0]},${r[1]},${r[2]},${r[3]}`).join("\n") +
        "\n",
    );
    // The engagement score, whose order (A before B) is worked out above: a BG/NBD fit on
    // three customers says little, and the values below are about the report.
    const cfg = join(dir, "engagement.json");
    await writeFile(cfg, JSON.stringify({ customerModel: "engagement" }));
    const result = await runCli("evaluate", csv, "--out", join(dir, "out"), "--k", "1,5", "--config", cfg);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\nfull\s+precision\s+1\.0000\s+0\.2000\n/);
    const saved = JSON.parse(await readFile(join(dir, "out", "evaluation.json"), "utf8"));
    expect(saved.k).toEqual([1, 5]);
    expect(saved.truth_pairs).toBe(3);
    // evaluation.html: self-contained (no script, nothing fetched), charts as inline SVG
    // beside their tables, each metric with its interval.
    const html = await readFile(join(dir, "out", "evaluation.html"), "utf8");
    expect(html).not.toMatch(/<script|<link|src=/);
    expect(html.match(/<svg/g)?.length).toBe(4);
    for (const id of ["recall", "hits", "lift", "exposure", "retarget"]) expect(html).toContain(`id="${id}"`);
    // The full model's recall@5 on this log: 0.75, resampled over two products to [0.5, 1].
    expect(html).toContain("0.7500 [0.5000, 1.0000]");
  });

  it("rejects a bad --k with exit code 2", async () => {
    const result = await runCli("evaluate", "nowhere.csv", "--k", "5,zero");
    expect(result.code).toBe(2);
  });
});
