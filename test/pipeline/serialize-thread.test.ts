// The serialize thread (batches, back-pressure, rendering on either side, the part writer)
// must write exactly what a one-thread loop renders: every value, in the ranking's order.
// The reference here is the plain in-process renderer fed by the same ranking.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { xxhash128 } from "hash-wasm";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../pipeline/config.js";
import { generate } from "../../pipeline/generate/generate.js";
import { ingest } from "../../pipeline/ingest/ingest.js";
import { rank } from "../../pipeline/model/rank.js";
import { type Evidence, Explainer } from "../../pipeline/model/reasons.js";
import { retargetAudiences } from "../../pipeline/model/retarget.js";
import type { Audience } from "../../pipeline/model/types.js";
import { build } from "../../pipeline/serialize/build.js";
import type { KvPair } from "../../pipeline/serialize/manifest.js";
import {
  decideIdType,
  packIds,
  productJsonOf,
  Renderer,
  valueOf as valueAt,
} from "../../pipeline/serialize/serialize.js";
import { SerializeThread } from "../../pipeline/serialize/serialize-client.js";
import { keys, NOTES, searchBuckets } from "../../worker/contract.js";
import { tempDir } from "../helpers/tmp.js";

describe("serialize thread", () => {
  it("writes every value a one-thread render gives, in the ranking's order", async () => {
    const dir = tempDir();
    const csv = join(dir, "log.csv");
    await generate({ rows: 4000, seed: 11, out: csv });
    // A few products renamed at the end of the log: the names the model read (the first)
    // differ from the served ones there, and the thread must explain with the model's.
    const lines = readFileSync(csv, "utf8").trimEnd().split("\n");
    const renames = lines.slice(1, 40).map((line) => {
      const [customer, product, event] = line.split(",");
      return `${customer},${product},${event},2023-04-01 00:00:00,Renamed ${product} Edition`;
    });
    writeFileSync(csv, `${[...lines, ...renames].join("\n")}\n`);
    const config = parseConfig({ variants: [5, 10, 20] });
    const now = new Date("2026-11-30T08:00:00Z");
    // Small retarget messages, so that they go out among the ranked audiences.
    const retargetBatch = 40;
    const result = await build({ inputs: [csv], outDir: join(dir, "out"), config, now, retargetBatch });

    const written: KvPair[] = [];
    for (const file of readdirSync(join(result.dir, "kv")).sort())
      written.push(...(JSON.parse(readFileSync(join(result.dir, "kv", file), "utf8")) as KvPair[]));

    const data = await ingest([csv], { config, parseThread: false });
    expect(data.productNames.filter((name, p) => name !== data.latestNames[p]).length).toBeGreaterThan(10);
    const ranking = rank(data, config);
    const ctx = {
      version: result.version,
      generatedAt: result.manifest.generated_at,
      idType: decideIdType(data.customers, data.products),
      variants: config.variants,
      customerIds: ranking.customerIds,
    };
    // One plain renderer (values unescaped, as served), fed in the ranking's order.
    const renderer = new Renderer(ctx, '"');
    const render = (
      productJson: string,
      audience: Audience,
      kind: "ranked" | "fallback",
      name: string | null = null,
    ) => {
      const rendered = renderer.render(productJson, audience, kind, name);
      return rendered.ends.map((_, i) => valueAt(rendered, i));
    };
    const explainer = new Explainer(ranking.reasonsInput(ctx.idType));
    const expected: KvPair[] = [];

    // Each retarget audience: the largest variant's body, written out here field by field.
    const retargetPairs: KvPair[] = [];
    const retarget = retargetAudiences(data, {
      maxN: Math.max(...ctx.variants),
      recencyDecayDays: config.recencyDecayDays,
    });
    expect(retarget.length).toBeGreaterThan(0);
    for (const a of retarget) {
      const productId = data.products[a.product];
      const id = (text: string) => (ctx.idType === "number" ? text : JSON.stringify(text));
      const items = [...a.customers].map(
        (c, i) =>
          `{"customer_id":${id(data.customers[c])},"score":${Math.round(a.scores[i] * 1e4) / 1e4},"rank":${i + 1}}`,
      );
      const value =
        `{"product_id":${id(productId)},"product_name":${JSON.stringify(data.latestNames[a.product] ?? null)},` +
        `"recommendations":[${items.join(",")}],"count":${items.length},` +
        `"model_version":"${ctx.version}","generated_at":"${ctx.generatedAt}","fallback":false,` +
        `"note":${JSON.stringify(NOTES.retarget)}}`;
      retargetPairs.push({ key: keys.retarget(ctx.version, productId), value });
    }
    expect(retarget.length).toBeGreaterThan(2 * retargetBatch);

    // After every retargetBatch ranked products, the next retargetBatch retarget audiences;
    // the rest after the last product.
    let ranked = 0;
    for (const [p, audience] of ranking.audiences()) {
      const productId = data.products[p];
      const values = render(
        productJsonOf(productId, ctx.idType, '"'),
        audience,
        "ranked",
        data.latestNames[p],
      );
      values.forEach((value, i) => {
        expected.push({ key: keys.rec(ctx.version, productId, ctx.variants[i]), value });
      });
      // Each product's reasons follow its values.
      expected.push({
        key: keys.why(ctx.version, productId),
        value: explainer.explain(p, audience.customers, ranking.evidence(p, audience)),
      });
      if (++ranked % retargetBatch === 0) expected.push(...retargetPairs.splice(0, retargetBatch));
    }
    expected.push(...retargetPairs);
    render("null", ranking.fallback, "fallback").forEach((value, i) => {
      expected.push({ key: keys.fallback(ctx.version, ctx.variants[i]), value });
    });

    // The product values and reasons with the retarget audiences among them, and the fallback
    // come first, in this order; sample, its names and meta follow, then the search index's buckets.
    expect(expected.length).toBeGreaterThan(1000);
    const head = written.slice(0, expected.length);
    const mismatched = head.filter(
      (pair, i) => pair.key !== expected[i].key || pair.value !== expected[i].value,
    );
    expect(mismatched.map((pair) => pair.key)).toEqual([]);
    expect(written.slice(expected.length).map((pair) => pair.key)).toEqual([
      keys.sample(ctx.version),
      keys.sampleNames(ctx.version),
      keys.meta(ctx.version),
      ...Array.from({ length: searchBuckets(data.products.length) }, (_, b) => keys.search(ctx.version, b)),
    ]);
  });

  it("a restart voids everything written before it: its parts leave the disk and the count", async () => {
    const dir = tempDir();
    const version = "20261130T080000Z-abcdef";
    const generatedAt = "2026-11-30T08:00:00Z";
    const customerIds = Array.from({ length: 50 }, (_, c) => String(1000 + c));
    const productIds = Array.from({ length: 6000 }, (_, p) => String(500000 + p));
    const ctx = { version, generatedAt, idType: "number" as const, variants: [5], customerIds };
    const thread = new SerializeThread();
    try {
      thread.products(
        productIds,
        productIds.map(() => null),
        productIds.map(() => ""),
      );
      thread.init(
        {
          dir,
          version,
          generatedAt,
          idType: "number",
          variants: [5],
          customerIds: packIds(customerIds),
        },
        ctx,
      );
      const audience = (first: number): Audience => ({
        customers: Int32Array.from({ length: 5 }, (_, i) => (first + i) % customerIds.length),
        scores: Float64Array.from([0.9, 0.8, 0.7, 0.6, 0.5]),
      });
      // No customer is a candidate of any affinity source: every reason is `engaged` (-1).
      thread.reasons({
        idType: "number",
        productIds,
        latestNames: productIds.map(() => null),
        modelNames: productIds.map(() => ""),
        events: ["view"],
        eventWeights: Float64Array.of(1),
        walkStart: new Int32Array(customerIds.length + 1),
        walkProduct: new Int32Array(0),
        walkEvent: new Uint8Array(0),
        tokens: {
          start: new Int32Array(productIds.length + 1),
          tokens: new Int32Array(0),
          df: new Int32Array(0),
          idf: new Float64Array(0),
          count: 0,
        },
        tokenStart: new Int32Array(1),
        tokenCustomers: new Int32Array(0),
        tokenStrength: new Float32Array(0),
      });
      const why: Evidence = {
        codes: new Uint8Array(5),
        hasNames: false,
        neighbours: new Int32Array(0),
        sims: new Float64Array(0),
      };
      // 12,000 pairs: more than one part file (10,000 pairs each) before the restart.
      for (let p = 0; p < 6000; p++) await thread.add(p, audience(p), why);
      await thread.restart();
      for (let p = 0; p < 3; p++) await thread.add(p, audience(p + 7), why);
      const result = await thread.finish();

      expect(readdirSync(join(dir, "kv"))).toEqual(["part-0001.json"]);
      expect(result.parts.map((part) => part.file)).toEqual(["kv/part-0001.json"]);
      expect(result.keys).toBe(6);
      const text = readFileSync(join(dir, "kv", "part-0001.json"));
      expect(await xxhash128(text)).toBe(result.parts[0].xxh128);
      const pairs = JSON.parse(text.toString("utf8")) as KvPair[];
      expect(pairs.map((pair) => pair.key)).toEqual(
        productIds.slice(0, 3).flatMap((id) => [keys.rec(version, id, 5), keys.why(version, id)]),
      );
      // The values are the ones added after the restart (customers from 1007 on for the first).
      expect(JSON.parse(pairs[0].value).recommendations[0].customer_id).toBe(1007);
      expect(pairs[1].value).toBe('{"reasons":[],"at":[-1,-1,-1,-1,-1]}');
    } finally {
      await thread.terminate();
    }
  });
});
