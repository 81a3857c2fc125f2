// The whole path: generate → build → publish into a local KV → the real worker bundle
// on workerd reads it back.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleWorker, startWorker } from "../../scripts/lib/worker-runtime.js";
import type { RecommendationResponse } from "../../worker/contract.js";
import { runCli, runToLocalKv } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

const NAMESPACE = "e2e-namespace";

describe("pipeline → local KV → worker", () => {
  const dir = tempDir("pa-e2e-");
  const persist = join(dir, "kv");
  let mf: Miniflare;
  let base: URL;
  let version: string;

  beforeAll(async () => {
    const csv = join(dir, "log.csv");
    expect((await runCli("generate", "--rows", "600", "--out", csv, "--seed", "7", "--quiet")).code).toBe(0);
    const run = await runToLocalKv(csv, join(dir, "out"), NAMESPACE, persist);
    expect(run.code, run.stderr).toBe(0);
    version = run.stdout.trim();
    ({ mf, url: base } = await startWorker({
      scriptPath: await bundleWorker(),
      kvPersist: persist,
      namespaceId: NAMESPACE,
    }));
  });

  afterAll(async () => {
    await mf?.dispose();
  });

  it("serves a sampled product's audience that follows the contract", async () => {
    const sample = (await (await fetch(new URL("/products/sample?n=3", base))).json()) as {
      sample_products: number[];
    };
    expect(sample.sample_products).toHaveLength(3);
    const id = sample.sample_products[0];
    const res = await fetch(new URL(`/recommend/${id}?n=10`, base));
    expect(res.status).toBe(200);
    const body = (await res.json()) as RecommendationResponse;
    expect(body.product_id).toBe(id);
    expect(body.model_version).toBe(version);
    expect(body.fallback).toBe(false);
    expect(body.count).toBe(10);
    expect(body.recommendations.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const scores = body.recommendations.map((r) => r.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it("leaves the data report beside the build and the stats summary in the published meta", async () => {
    const stats = JSON.parse(readFileSync(join(dir, "out", "stats.json"), "utf8"));
    // generate wrote 600 clean rows; every one is read, and kept or rejected.
    expect(stats.ingest.rows_read).toBe(600);
    expect(readFileSync(join(dir, "out", "report.html"), "utf8")).toMatch(/^<!doctype html>/i);
    const meta = (await mf.getKVNamespace("RECS").then((kv) => kv.get(`v/${version}/meta`, "json"))) as {
      stats: { total_interactions: number; ingest: { rows_kept: number } };
    };
    expect(meta.stats.total_interactions).toBe(meta.stats.ingest.rows_kept);
    expect(meta.stats.total_interactions).toBe(stats.total_interactions);
  });

  it("says healthy with the published version", async () => {
    const health = (await (await fetch(new URL("/health", base))).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ status: "healthy", model_loaded: true, model_version: version });
  });

  it("answers a batch of a published and an unknown product from the bundle, and revalidates with 304", async () => {
    const sample = (await (await fetch(new URL("/products/sample?n=1", base))).json()) as {
      sample_products: number[];
    };
    const id = sample.sample_products[0];
    const res = await fetch(new URL("/recommend/batch", base), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ product_ids: [id, "never-seen"], n: 5 }),
    });
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as { results: RecommendationResponse[] };
    expect(results.map((r) => [r.product_id, r.fallback, r.count])).toEqual([
      [id, false, 5],
      ["never-seen", true, 5],
    ]);
    const first = await fetch(new URL(`/recommend/${id}?n=5`, base));
    expect(first.headers.get("etag")).toBe(`"${version}/${id}/5"`);
    const again = await fetch(new URL(`/recommend/${id}?n=5`, base), {
      headers: { "if-none-match": first.headers.get("etag")! },
    });
    expect(again.status).toBe(304);
  });
});
