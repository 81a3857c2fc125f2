// Readable audiences end to end: a log with awkward product names goes through build,
// local KV and the real worker bundle; names, search and reasons are checked against the
// log itself (read here with csv-parse, not by the pipeline), never against the code.
import { appendFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import type { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleWorker, startWorker } from "../../scripts/lib/worker-runtime.js";
import { runCli, runToLocalKv } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

const NAMESPACE = "readable-namespace";

// Products 990001.. with names that must survive every hop byte for byte.
const AWKWARD: Record<string, string> = {
  "990001": 'Acme "Rocket" 2, blender',
  "990002": "Acme Rocket 1",
  "990003": "Café Crème 🍵 Deluxe",
  "990004": "東京 タワー Model 3",
  "990005": 'Ünïcode, "quoted" 🚀 Ökonom',
};
const csvQuote = (s: string) => `"${s.replace(/"/g, '""')}"`;

interface Row {
  customer: string;
  product: string;
  event: string;
  time: number;
  name: string;
}

interface Reason {
  kind: string;
  product_id?: number;
  product_name?: string | null;
  words?: string[];
  text: string;
}
interface Answer {
  product_id: number;
  product_name: string | null;
  recommendations: { customer_id: number; score: number; rank: number; reason?: Reason }[];
  count: number;
  fallback: boolean;
}

/** The contract's search words, spelled out independently of the worker's. */
const words = (s: string) =>
  s
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

describe("readable audiences: names, search and reasons", () => {
  const dir = tempDir("pa-readable-");
  let mf: Miniflare;
  let base: URL;
  let rows: Row[] = [];
  /** Per product: its name on the latest named row (a later row on a tie). */
  const latestName = new Map<string, string>();
  const customersOf = new Map<string, Set<string>>();
  const productsOf = new Map<string, Set<string>>();

  const get = async <T>(path: string) => {
    const res = await fetch(new URL(path, base));
    return { status: res.status, body: (await res.json()) as T, res };
  };

  beforeAll(async () => {
    const csv = join(dir, "log.csv");
    expect((await runCli("generate", "--rows", "600", "--out", csv, "--seed", "11", "--quiet")).code).toBe(0);
    const header = readFileSync(csv, "utf8").split("\n")[0];
    expect(header.toLowerCase()).toContain("product_name");
    // Customers 880001..880006 use the awkward products alongside each other, so they share
    // customers; 990002 is renamed later (the served name is the later one).
    const extra: string[] = [];
    const line = (c: string, p: string, e: string, t: string, name: string) => {
      const cols = header.split(",").map((h) => h.trim().toLowerCase());
      const value: Record<string, string> = {
        customer_id: c,
        product_id: p,
        event: e,
        event_date: t,
        product_name: csvQuote(name),
      };
      extra.push(cols.map((col) => value[col] ?? "0").join(","));
    };
    const ids = Object.keys(AWKWARD);
    let minute = 0;
    const at = () =>
      `2023-03-${String(10 + Math.floor(minute / 60)).padStart(2, "0")}T10:${String(minute++ % 60).padStart(2, "0")}:00Z`;
    for (let k = 0; k < 6; k++) {
      const c = String(880001 + k);
      for (let i = 0; i < ids.length; i++) {
        if ((i + k) % 3 === 0) continue;
        line(
          c,
          ids[i],
          i % 2 ? "cart" : "purchased",
          at(),
          ids[i] === "990002" ? "Acme Rocket One (old name)" : AWKWARD[ids[i]],
        );
      }
    }
    line("880007", "990002", "wishlist", "2023-03-30T12:00:00Z", AWKWARD["990002"]);
    appendFileSync(csv, `\n${extra.join("\n")}\n`);

    const records = parse(readFileSync(csv), {
      columns: (h: string[]) => h.map((x) => x.trim().toLowerCase()),
      skip_empty_lines: true,
    }) as Record<string, string>[];
    rows = records.map((r) => ({
      customer: r.customer_id,
      product: r.product_id,
      event: r.event.trim().toLowerCase(),
      time: Date.parse(r.event_date),
      name: r.product_name ?? "",
    }));
    const latestTime = new Map<string, number>();
    for (const r of rows) {
      if (r.name && r.time >= (latestTime.get(r.product) ?? -Infinity)) {
        latestTime.set(r.product, r.time);
        latestName.set(r.product, r.name);
      }
      if (!customersOf.has(r.product)) customersOf.set(r.product, new Set());
      customersOf.get(r.product)!.add(r.customer);
      if (!productsOf.has(r.customer)) productsOf.set(r.customer, new Set());
      productsOf.get(r.customer)!.add(r.product);
    }

    const persist = join(dir, "kv");
    const run = await runToLocalKv(csv, join(dir, "out"), NAMESPACE, persist);
    expect(run.code, run.stderr).toBe(0);
    ({ mf, url: base } = await startWorker({
      scriptPath: await bundleWorker(),
      kvPersist: persist,
      namespaceId: NAMESPACE,
    }));
  }, 120_000);

  afterAll(async () => {
    await mf?.dispose();
  });

  it("every answer carries the product's latest name exactly, in JSON, batch and sample; CSV keeps its columns", async () => {
    for (const id of Object.keys(AWKWARD)) {
      const { body } = await get<Answer>(`/recommend/${id}?n=5`);
      expect(body.product_name).toBe(AWKWARD[id]);
      expect(latestName.get(id)).toBe(AWKWARD[id]);
    }
    const cut = await get<Answer>("/recommend/990003?n=3");
    expect(cut.body.product_name).toBe(AWKWARD["990003"]);
    const unknown = await get<Answer>("/recommend/123456789?n=5");
    expect(unknown.body).toMatchObject({ fallback: true, product_name: null });
    const batch = await fetch(new URL("/recommend/batch", base), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ product_ids: [990005, 990004], n: 5 }),
    });
    const { results } = (await batch.json()) as { results: Answer[] };
    expect(results.map((r) => r.product_name)).toEqual([AWKWARD["990005"], AWKWARD["990004"]]);
    const csv = await (await fetch(new URL("/recommend/990001?n=5&format=csv", base))).text();
    expect(csv.split("\n")[0]).toBe("customer_id,score,rank");
    const sample = await get<{
      sample_products: number[];
      products: { product_id: number; product_name: string | null }[];
    }>("/products/sample?n=100");
    expect(sample.body.products.map((p) => p.product_id)).toEqual(sample.body.sample_products);
    for (const p of sample.body.products)
      expect(p.product_name).toBe(latestName.get(String(p.product_id)) ?? null);
  });

  it("search matches and orders exactly as the contract says, checked against the log", async () => {
    const products = [...customersOf.keys()];
    const expected = (q: string, limit: number) => {
      const qWords = words(q);
      const matches = products.filter((p) => {
        const nameWords = words(latestName.get(p) ?? "");
        return qWords.every((w) => nameWords.some((n) => n.startsWith(w)));
      });
      matches.sort((a, b) => customersOf.get(b)!.size - customersOf.get(a)!.size || Number(a) - Number(b));
      const exact = products.includes(q) ? [q] : [];
      return [...exact, ...matches.filter((p) => p !== q)].slice(0, limit).map((p) => ({
        product_id: Number(p),
        product_name: latestName.get(p) ?? null,
        customers: customersOf.get(p)!.size,
      }));
    };
    const generatedWord = words(latestName.get(products[0]) ?? "")[0];
    const queries = [
      "cafe",
      "CRÈME",
      "東京",
      "acme rocket",
      "rock acme",
      "ökonom",
      "OKONOM 🚀",
      "990004",
      "a",
      generatedWord.slice(0, 2),
      generatedWord,
      `${generatedWord} ${generatedWord.slice(0, 1)}`,
      "zzzzqqq",
    ];
    for (const q of queries) {
      for (const limit of [3, 50]) {
        const { status, body } = await get<{ query: string; results: unknown[]; count: number }>(
          `/products/search?q=${encodeURIComponent(` ${q} `)}&limit=${limit}`,
        );
        expect(status, q).toBe(200);
        expect(body.query).toBe(q);
        expect(body.results, `${q} limit ${limit}`).toEqual(expected(q, limit));
        expect(body.count).toBe(body.results.length);
      }
    }
    expect(expected("zzzzqqq", 10)).toEqual([]);
    expect(expected("cafe", 10).length).toBeGreaterThan(0);
  });

  it("search refuses a bad q or limit with a 422 naming the field", async () => {
    for (const [path, field] of [
      ["/products/search", "q"],
      ["/products/search?q=", "q"],
      ["/products/search?q=%20%20", "q"],
      ["/products/search?q=!!!", "q"],
      [`/products/search?q=${"a".repeat(101)}`, "q"],
      ["/products/search?q=acme&limit=0", "limit"],
      ["/products/search?q=acme&limit=51", "limit"],
      ["/products/search?q=acme&limit=2.5", "limit"],
    ] as const) {
      const { status, body } = await get<{ error: { code: string; message: string } }>(path);
      expect(status, path).toBe(422);
      expect(body.error.code).toBe(`invalid_${field}`);
      expect(body.error.message.startsWith(`${field}:`)).toBe(true);
    }
    const ok = await get<{ count: number }>(`/products/search?q=${"a".repeat(100)}`);
    expect(ok.status).toBe(200);
  });

  it("every reason is true of the log, and explain leaves the plain answer untouched", async () => {
    const sample = await get<{ sample_products: number[] }>("/products/sample?n=60");
    const ids = [...new Set([...Object.keys(AWKWARD).map(Number), ...sample.body.sample_products])];
    const kinds = new Map<string, number>();
    const problems: string[] = [];
    const nameWords = (p: string) => (latestName.get(p) ?? "").toLowerCase().split(/[^\p{L}\p{N}]+/u);
    for (const id of ids) {
      const plain = await (await fetch(new URL(`/recommend/${id}?n=20`, base))).text();
      const explained = await get<Answer>(`/recommend/${id}?n=20&explain=true`);
      const parsed = JSON.parse(plain) as Answer;
      expect(explained.body.recommendations.map(({ reason: _, ...r }) => r)).toEqual(parsed.recommendations);
      expect(parsed.recommendations.every((r) => r.reason === undefined)).toBe(true);
      const product = String(id);
      for (const r of explained.body.recommendations) {
        const c = String(r.customer_id);
        const reason = r.reason!;
        kinds.set(reason.kind, (kinds.get(reason.kind) ?? 0) + 1);
        const mine = productsOf.get(c) ?? new Set<string>();
        if (mine.has(product)) problems.push(`${id}/${c}: already interacted`);
        if (typeof reason.text !== "string" || reason.text.length < 10) problems.push(`${id}/${c}: text`);
        if (reason.kind === "similar_product") {
          const q = String(reason.product_id);
          if (!mine.has(q)) problems.push(`${id}/${c}: never interacted with ${q}`);
          const shared = [...(customersOf.get(q) ?? [])].some((x) => customersOf.get(product)?.has(x));
          if (!shared) problems.push(`${id}/${c}: ${q} shares no customer with ${id}`);
          if (reason.product_name !== (latestName.get(q) ?? null)) problems.push(`${id}/${c}: name of ${q}`);
          if (reason.product_name && !reason.text.includes(reason.product_name))
            problems.push(`${id}/${c}: text`);
        } else if (reason.kind === "shared_words") {
          const ws = reason.words ?? [];
          if (ws.length === 0) problems.push(`${id}/${c}: no words`);
          if (!ws.every((w) => nameWords(product).includes(w)))
            problems.push(`${id}/${c}: ${ws} not in this name`);
          const holder = [...mine].some((q) => q !== product && ws.every((w) => nameWords(q).includes(w)));
          if (!holder) problems.push(`${id}/${c}: no product of theirs has ${ws}`);
        } else if (reason.kind === "engaged") {
          if (!productsOf.has(c)) problems.push(`${id}/${c}: not in the log`);
        } else problems.push(`${id}/${c}: kind ${reason.kind}`);
      }
    }
    expect(problems).toEqual([]);
    // The log is built so that all three kinds occur.
    expect([...kinds.keys()].sort()).toEqual(["engaged", "shared_words", "similar_product"]);
  });

  it("explain works in CSV (a quoted reason column), on the batch route, for a fallback, and refuses bad values", async () => {
    const json = await get<Answer>("/recommend/990003?n=10&explain=true");
    const csvRes = await fetch(new URL("/recommend/990003?n=10&explain=true&format=csv", base));
    expect(csvRes.headers.get("etag")).toMatch(/\/csv\/explain"$/);
    const table = parse(await csvRes.text(), { columns: true }) as Record<string, string>[];
    expect(Object.keys(table[0])).toEqual(["customer_id", "score", "rank", "reason"]);
    expect(table.map((r) => r.reason)).toEqual(json.body.recommendations.map((r) => r.reason!.text));
    const batch = await fetch(new URL("/recommend/batch", base), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ product_ids: [990003, "never-seen"], n: 10, explain: true }),
    });
    const { results } = (await batch.json()) as { results: Answer[] };
    expect(results[0].recommendations).toEqual(json.body.recommendations);
    expect(results[1].fallback).toBe(true);
    expect(results[1].recommendations.every((r) => r.reason?.kind === "engaged")).toBe(true);
    for (const path of ["/recommend/990003?explain=yes", "/recommend/990003?explain=true&explain=false"]) {
      const bad = await get<{ error: { code: string; message: string } }>(path);
      expect(bad.status).toBe(422);
      expect(bad.body.error.code).toBe("invalid_explain");
    }
    const badBatch = await fetch(new URL("/recommend/batch", base), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ product_ids: [990003], explain: "yes" }),
    });
    expect(badBatch.status).toBe(422);
    expect(((await badBatch.json()) as { error: { message: string } }).error.message).toMatch(/^explain:/);
  });
});
