import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { xxhash128 } from "hash-wasm";
import { describe, expect, it } from "vitest";
import { defaultConfig, parseConfig } from "../../pipeline/config.js";
import { generate } from "../../pipeline/generate/generate.js";
import { build } from "../../pipeline/serialize/build.js";
import { readManifest } from "../../pipeline/serialize/manifest.js";
import type { BuildMeta, RecommendationResponse } from "../../worker/contract.js";
import { runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

function readPairs(dir: string): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const file of readdirSync(join(dir, "kv")).sort()) {
    for (const { key, value } of JSON.parse(readFileSync(join(dir, "kv", file), "utf8")) as {
      key: string;
      value: string;
    }[]) {
      if (pairs.has(key)) throw new Error(`duplicate key ${key}`);
      pairs.set(key, value);
    }
  }
  return pairs;
}

describe("build", () => {
  it("writes every product × variant, the fallback, sample and meta, consistent with the manifest", async () => {
    const dir = tempDir();
    const csv = join(dir, "log.csv");
    const gen = await generate({ rows: 3000, seed: 5, out: csv });
    const suppress = join(dir, "suppress.txt");
    // Two real customer ids (the first rows' customers) and one that is not in the data.
    const lines = readFileSync(csv, "utf8").split("\n");
    const victims = [lines[1].split(",")[0], lines[2].split(",")[0]].filter((v, i, a) => a.indexOf(v) === i);
    writeFileSync(suppress, [...victims, "999999999", "# a comment"].join("\n"));
    const config = parseConfig({ variants: [5, 10, 20], exposureCap: 0 });
    const result = await build({
      inputs: [csv],
      outDir: join(dir, "out"),
      config,
      suppressFile: suppress,
      now: new Date("2026-11-26T16:45:00Z"),
    });
    const pairs = readPairs(result.dir);
    const manifest = await readManifest(result.dir);
    const v = result.version;
    expect(v).toMatch(/^20261126T164500Z-[0-9a-f]{6}$/);

    const products = gen.products;
    expect(manifest.counts.products).toBe(products);
    // No exposure cap: each product is ranked exactly once.
    expect(result.rankings).toBe(products);
    // products × 3 variants + 3 fallback variants + one reasons value per product + sample
    // and its names + meta + the search index's buckets (one per 64 products, a power of two:
    // 32 for this log's products) + one retarget key per product with a retarget audience
    // (checked against the log in the next test)
    expect(products).toBeGreaterThan(1024);
    expect(products).toBeLessThanOrEqual(2048);
    expect([...pairs.keys()].filter((k) => k.includes("/search/")).length).toBe(32);
    const retargetKeys = [...pairs.keys()].filter((k) => k.includes("/retarget/")).length;
    expect(retargetKeys).toBeGreaterThan(0);
    expect(manifest.counts.retarget_products).toBe(retargetKeys);
    expect(pairs.size).toBe(products * 3 + 3 + products + 3 + 32 + retargetKeys);
    expect(manifest.counts.keys).toBe(pairs.size);
    let bytes = 0;
    for (const value of pairs.values()) bytes += Buffer.byteLength(value);
    expect(manifest.counts.bytes).toBe(bytes);
    for (const part of manifest.parts) {
      const raw = readFileSync(join(result.dir, part.file));
      expect(await xxhash128(raw)).toBe(part.xxh128);
      expect(raw.length).toBe(part.bytes);
    }

    const meta = JSON.parse(pairs.get(`v/${v}/meta`)!) as BuildMeta;
    expect(meta.counts.suppressed_customers).toBe(victims.length);
    expect(meta.variants).toEqual([5, 10, 20]);

    // Plain checks in the loop (thousands of values), one assertion on what they found.
    const problems: string[] = [];
    let checked = 0;
    for (const [key, value] of pairs) {
      const m = /^v\/[^/]+\/(?:rec\/([^/]+)|fallback)\/20$/.exec(key);
      if (!m) continue;
      const big = JSON.parse(value) as RecommendationResponse;
      const prefix = key.slice(0, -"20".length);
      for (const n of [5, 10]) {
        const small = JSON.parse(pairs.get(prefix + n)!) as RecommendationResponse;
        if (JSON.stringify(small.recommendations) !== JSON.stringify(big.recommendations.slice(0, n)))
          problems.push(`${key}: ${n} is not a prefix`);
        if (small.count !== small.recommendations.length) problems.push(`${key}: count`);
      }
      big.recommendations.forEach((r, i) => {
        if (r.rank !== i + 1) problems.push(`${key}: rank ${r.rank} at ${i}`);
        if (Math.round(r.score * 10_000) / 10_000 !== r.score) problems.push(`${key}: score ${r.score}`);
        if (victims.includes(String(r.customer_id))) problems.push(`${key}: suppressed ${r.customer_id}`);
        if (i > 0 && r.score > big.recommendations[i - 1].score) problems.push(`${key}: score rises at ${i}`);
      });
      if (big.fallback !== (m[1] === undefined)) problems.push(`${key}: fallback flag`);
      if (m[1] && big.product_id !== Number(m[1])) problems.push(`${key}: product_id`);
      if (big.model_version !== v) problems.push(`${key}: version`);
      checked++;
    }
    expect(problems).toEqual([]);
    expect(checked).toBe(products + 1);
    const sample = JSON.parse(pairs.get(`v/${v}/sample`)!) as number[];
    expect(sample.length).toBe(Math.min(1000, products));
  });

  it("`build --evaluate` puts the hold-out evaluation in the meta", async () => {
    const dir = tempDir();
    const csv = join(dir, "log.csv");
    await generate({ rows: 2000, seed: 9, out: csv });
    const out = join(dir, "out");
    const result = await runCli("build", csv, "--out", out, "--evaluate", "--quiet");
    expect(result.code).toBe(0);
    const version = result.stdout.trim();
    const meta = JSON.parse(readFileSync(join(out, "builds", version, "meta.json"), "utf8")) as BuildMeta & {
      evaluation: { k: number[]; models: Record<string, unknown> };
    };
    expect(meta.evaluation.k).toEqual([5, 10, 20, 100]);
    expect(Object.keys(meta.evaluation.models)).toEqual(["random", "activity", "engagement", "full"]);
  });

  it("without --evaluate the meta says evaluation: null", async () => {
    const dir = tempDir();
    const csv = join(dir, "log.csv");
    writeFileSync(
      csv,
      "customer_id,product_id,event,event_date\n1,10,cart,2022-10-01\n2,11,purchased,2022-10-02\n",
    );
    const result = await build({ inputs: [csv], outDir: join(dir, "out"), config: defaultConfig() });
    const meta = JSON.parse(readFileSync(join(result.dir, "meta.json"), "utf8")) as BuildMeta;
    expect(meta.evaluation).toBeNull();
    // Two products, each audience is the one other customer.
    const pairs = readPairs(result.dir);
    const body = JSON.parse(pairs.get(`v/${result.version}/rec/10/5`)!) as RecommendationResponse;
    expect(body.recommendations.map((r) => r.customer_id)).toEqual([2]);
  });
});
