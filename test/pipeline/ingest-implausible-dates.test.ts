// Rows dated outside the plausible window (exports' 1970 "null" dates, typos like 2099)
// are rejected under a reason of their own, so one of them cannot move every audience
// (recency is measured from the newest row) or the evaluate split.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { defaultConfig, parseConfig } from "../../pipeline/config.js";
import { generate } from "../../pipeline/generate/generate.js";
import { ingest } from "../../pipeline/ingest/ingest.js";
import { splitByTime } from "../../pipeline/model/split.js";
import { build } from "../../pipeline/serialize/build.js";
import { runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

const HEADER = "customer_id,product_id,event,event_date";
const NOW = new Date("2026-12-01T12:00:00Z");

function csv(dir: string, name: string, lines: string[]): string {
  const file = join(dir, name);
  writeFileSync(file, `${HEADER}\n${lines.join("\n")}\n`);
  return file;
}

describe("implausible dates", () => {
  const dir = tempDir("pa-dates-");
  const clean = [
    "1,10,cart,2022-10-01 10:00:00",
    "2,10,purchased,2022-11-01 10:00:00",
    "3,11,cart,2023-01-01",
  ];
  const odd = [...clean, "4,12,cart,1970-01-01 00:00:00", "5,10,cart,2099-01-01T00:00:00Z"];

  it("rejects rows before 2000-01-01 or after the clock plus a day, counted and in rejected.csv", async () => {
    const rejectedPath = join(dir, "rejected.csv");
    const data = await ingest([csv(dir, "odd.csv", odd)], {
      config: defaultConfig(),
      now: NOW,
      rejectedPath,
    });
    expect(data.accounting.rows_read).toBe(5);
    expect(data.accounting.rows_kept).toBe(3);
    expect(data.accounting.rejected.implausible_date).toBe(2);
    const rows = parse(readFileSync(rejectedPath, "utf8"), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.line, r.reason, r.raw])).toEqual([
      ["5", "implausible_date", "4,12,cart,1970-01-01 00:00:00"],
      ["6", "implausible_date", "5,10,cart,2099-01-01T00:00:00Z"],
    ]);
  });

  it("the parse thread applies the same window", async () => {
    const lines = Array.from(
      { length: 8000 },
      (_, i) => `${i},10,cart,2022-10-01 10:00:${String(i % 60).padStart(2, "0")}`,
    );
    // Implausible dates all through the file, so the thread's segments have some.
    for (let i = 350; i < lines.length; i += 997) lines[i] = `${9000 + i},10,cart,2099-01-01 00:00:00`;
    const file = csv(dir, "thread.csv", lines);
    for (const parseThread of [false, true]) {
      let threadSegments = 0;
      const data = await ingest([file], {
        config: defaultConfig(),
        now: NOW,
        parseThread,
        segmentBytes: 8 << 10,
        onParseThread: (r) => (threadSegments = r.thread),
      });
      expect(data.accounting.rejected.implausible_date, `thread ${parseThread}`).toBe(8);
      expect(data.customers, `thread ${parseThread}`).not.toContain("9350");
      if (parseThread) expect(threadSegments).toBeGreaterThan(0);
    }
  });

  it("the window's ends: 2000-01-01T00:00Z and now + 24 h are kept, a second outside is not", async () => {
    const edges = [
      "1,10,cart,2000-01-01T00:00:00Z",
      "2,10,cart,1999-12-31T23:59:59Z",
      "3,10,cart,2026-12-02T12:00:00Z",
      "4,10,cart,2026-12-02T12:00:01Z",
    ];
    const data = await ingest([csv(dir, "edges.csv", edges)], { config: defaultConfig(), now: NOW });
    expect(data.customers).toEqual(["1", "3"]);
    expect(data.accounting.rejected.implausible_date).toBe(2);
  });

  it("lists implausible_date only when a row was rejected for it", async () => {
    const data = await ingest([csv(dir, "clean.csv", clean)], { config: defaultConfig(), now: NOW });
    expect(Object.keys(data.accounting.rejected)).not.toContain("implausible_date");
  });

  it("config plausibleDates moves the window; a bad one is one line, exit 2", async () => {
    const config = parseConfig({ plausibleDates: { earliest: "1960-01-01", latest: "2030-01-01" } });
    const data = await ingest([csv(dir, "odd2.csv", odd)], { config, now: NOW });
    expect(data.accounting.rejected.implausible_date).toBe(1); // 2099 only
    expect(data.customers).toContain("4");

    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ plausibleDates: { earliest: "yesterday" } }));
    const r = await runCli("analyze", csv(dir, "a.csv", clean), "--config", bad, "--out", join(dir, "o"));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/plausibleDates\.earliest: must be an ISO 8601 date/);
    writeFileSync(bad, JSON.stringify({ plausibleDates: { earliest: "2030-01-01", latest: "2020-01-01" } }));
    const r2 = await runCli("analyze", csv(dir, "a.csv", clean), "--config", bad, "--out", join(dir, "o"));
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain("earliest must not be after latest");
  });

  it("analyze warns on stderr and in the report", async () => {
    const out = join(dir, "analyze");
    const r = await runCli("analyze", csv(dir, "odd3.csv", odd), "--out", out, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /warning: 2 row\(s\) dated outside 2000-01-01T00:00:00Z \.\. \S+ rejected as implausible_date \(they are in \S+rejected\.csv/,
    );
    expect(readFileSync(join(out, "report.html"), "utf8")).toContain("2 row(s) carried an implausible date");
    const stats = JSON.parse(readFileSync(join(out, "stats.json"), "utf8"));
    expect(stats.ingest.rejected.implausible_date).toBe(2);
    expect(stats.date_range.end.startsWith("2023-01-01")).toBe(true);
  });
});

describe("a log with two implausible rows builds the same audiences as without them", () => {
  const dir = tempDir("pa-dates-build-");
  let plain: string;
  let withOdd: string;

  beforeAll(async () => {
    plain = join(dir, "plain.csv");
    await generate({ rows: 3000, seed: "dates", out: plain });
    const text = readFileSync(plain, "utf8");
    withOdd = join(dir, "odd.csv");
    // A 1970 "null date" for a known customer and a 2099 typo for a new one.
    writeFileSync(
      withOdd,
      `${text}424242,100750,cart,1970-01-01 00:00:00,X\n777777,100750,purchased,2099-01-01 00:00:00,X\n`,
    );
  });

  /** Every audience value of a build, keyed without the version, the version masked in values. */
  function values(buildDir: string, version: string): Map<string, string> {
    const out = new Map<string, string>();
    for (const name of readdirSync(join(buildDir, "kv"))) {
      const pairs = JSON.parse(readFileSync(join(buildDir, "kv", name), "utf8")) as {
        key: string;
        value: string;
      }[];
      for (const p of pairs) {
        if (p.key.endsWith("/meta")) continue;
        out.set(p.key.replace(version, "V"), p.value.split(version).join("V"));
      }
    }
    return out;
  }

  it("same keys, same values; the meta counts the two rows", async () => {
    const config = defaultConfig();
    const a = await build({ inputs: [plain], outDir: join(dir, "a"), config, now: NOW });
    const b = await build({ inputs: [withOdd], outDir: join(dir, "b"), config, now: NOW });
    expect(b.accounting.rejected.implausible_date).toBe(2);
    expect(b.accounting.rows_kept).toBe(a.accounting.rows_kept);
    const va = values(a.dir, a.version);
    const vb = values(b.dir, b.version);
    expect(va.size).toBeGreaterThan(1000);
    expect([...vb.keys()]).toEqual([...va.keys()]);
    for (const [key, value] of va) expect(vb.get(key), key).toBe(value);
  });

  it("`audience build` warns on stderr, naming the build's rejected.csv", async () => {
    const r = await runCli("build", withOdd, "--out", join(dir, "c"), "--quiet");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /warning: 2 row\(s\) dated outside .* \(they are in \S+builds\/\S+\/rejected\.csv/,
    );
  });
});

describe("the evaluate split", () => {
  it("cuts at the 0.8 row quantile, so one far-off row leaves a fifth of the rows to test", async () => {
    const dir = tempDir("pa-split-");
    const file = join(dir, "log.csv");
    await generate({ rows: 2000, seed: "split", out: file });
    // Kept on purpose (a window up to 2100) to show the split itself is robust.
    writeFileSync(file, `${readFileSync(file, "utf8")}9,100750,cart,2099-01-01 00:00:00,X\n`);
    const config = parseConfig({ plausibleDates: { latest: "2100-01-01" } });
    const data = await ingest([file], { config, now: NOW });
    expect(data.accounting.rows_kept).toBe(2001);
    const split = splitByTime(data);
    // By time span the cut would sit in 2083 and leave 1 test row; by rows it is ~400.
    expect(split.testRows.length).toBeGreaterThanOrEqual(399);
    expect(split.testRows.length).toBeLessThanOrEqual(402);
    expect(split.train.count + split.testRows.length).toBe(2001);
    expect(new Date(split.cutoff).getUTCFullYear()).toBeLessThan(2024);
  });
});
