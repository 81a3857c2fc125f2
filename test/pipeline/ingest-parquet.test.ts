// Parquet input: typed columns as warehouses export them, NULLs, row groups, folders that
// mix formats, the same results as the same log in CSV, and bad files that end in one
// line and exit 2.
import { mkdirSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { parse } from "csv-parse/sync";
import { asyncBufferFromFile, parquetMetadataAsync } from "hyparquet";
import { type ColumnSource, parquetWriteFile } from "hyparquet-writer";
import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../pipeline/config.js";
import { ingest } from "../../pipeline/ingest/ingest.js";
import { build } from "../../pipeline/serialize/build.js";
import { runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

const config = defaultConfig();
const HEADER = "customer_id,product_id,event,event_date,product_name";

function writeParquet(file: string, columnData: ColumnSource[], rowGroupSize?: number): string {
  parquetWriteFile({ filename: file, columnData, rowGroupSize });
  return file;
}

/** Five rows: every column typed the way a warehouse writes it, one NULL each in three columns. */
function typedColumns(): ColumnSource[] {
  return [
    { name: "customer_id", data: [1n, 2n, null, 4n, 5n], type: "INT64", nullable: true },
    { name: "product_id", data: [100n, 101n, 100n, null, 102n], type: "INT64", nullable: true },
    { name: "event", data: [" Cart", "purchased", "cart", "cart", null], type: "STRING", nullable: true },
    {
      name: "event_date",
      data: [
        new Date("2022-10-01T10:00:00Z"),
        new Date("2022-10-02T10:00:00Z"),
        new Date("2022-10-03T10:00:00Z"),
        new Date("2022-10-04T10:00:00Z"),
        new Date("2022-10-05T10:00:00Z"),
      ],
      type: "TIMESTAMP",
      nullable: true,
    },
    { name: "product_name", data: ["A", "B", "A", "C", "D"], type: "STRING", nullable: true },
  ];
}

async function rejectedOf(inputs: string[]) {
  const out = join(tempDir(), "rejected.csv");
  const data = await ingest(inputs, { config, rejectedPath: out });
  const rows = parse(readFileSync(out, "utf8"), { columns: true }) as Record<string, string>[];
  return { data, rows };
}

describe("Parquet input", () => {
  it("reads integer ids and a timestamp column; NULLs are missing fields, rejected by row number", async () => {
    const file = writeParquet(join(tempDir(), "log.parquet"), typedColumns());
    const { data, rows } = await rejectedOf([file]);
    expect(data.accounting).toEqual({
      rows_read: 5,
      rows_kept: 2,
      rejected: expect.objectContaining({ missing_customer_id: 1, missing_product_id: 1, missing_event: 1 }),
    });
    expect(data.customers).toEqual(["1", "2"]);
    expect(data.products).toEqual(["100", "101"]);
    expect(Array.from(data.time)).toEqual([Date.UTC(2022, 9, 1, 10), Date.UTC(2022, 9, 2, 10)]);
    expect(data.events[data.event[0]]).toBe("cart");
    expect(rows).toEqual([
      { source: file, line: "3", reason: "missing_customer_id", raw: ",100,cart,2022-10-03T10:00:00.000Z,A" },
      { source: file, line: "4", reason: "missing_product_id", raw: "4,,cart,2022-10-04T10:00:00.000Z,C" },
      { source: file, line: "5", reason: "missing_event", raw: "5,102,,2022-10-05T10:00:00.000Z,D" },
    ]);
  });

  it("takes string ids, ISO date strings with zones, INT32 ids, micros and zone-less timestamps alike", async () => {
    const dir = tempDir();
    const strings = writeParquet(join(dir, "a.parquet"), [
      { name: "Customer ID", data: ["c-1", "c 2", "c-3"], type: "STRING" },
      { name: "PRODUCT_ID", data: ["p1", "p1", "p2"], type: "STRING" },
      { name: "event", data: ["cart", "cart", "rating"], type: "STRING" },
      {
        name: "event_date",
        data: ["2022-10-01T12:00:00+02:00", "2022-10-01 10:00:00", "31/12/2022"],
        type: "STRING",
      },
    ]);
    const ints = writeParquet(join(dir, "b.parquet"), [
      { name: "customer_id", data: new Int32Array([7]) },
      { name: "product_id", data: new Int32Array([70]) },
      { name: "event", data: ["wishlist"], type: "STRING" },
      { name: "event_date", data: [new Date("2022-10-02T00:00:00Z")], type: "TIMESTAMP" },
    ]);
    const micros = writeZonelessMicros(join(dir, "c.parquet"), 9n, 1_664_625_600_000_000n);
    const { data, rows } = await rejectedOf([strings, ints, micros]);
    expect(data.accounting.rows_read).toBe(5);
    expect(data.customers).toEqual(["c-1", "7", "9"]);
    expect(Array.from(data.time)).toEqual([
      Date.UTC(2022, 9, 1, 10),
      Date.UTC(2022, 9, 2),
      Date.UTC(2022, 9, 1, 12),
    ]);
    expect(rows.map((r) => [r.source.slice(dir.length + 1), r.line, r.reason])).toEqual([
      ["a.parquet", "2", "invalid_id"],
      ["a.parquet", "3", "invalid_date"],
    ]);
  });

  it("a 1970 timestamp (how exports write a NULL date) is an implausible_date, as in a CSV", async () => {
    const file = writeParquet(join(tempDir(), "epoch.parquet"), [
      { name: "customer_id", data: [1n, 2n], type: "INT64" },
      { name: "product_id", data: [10n, 10n], type: "INT64" },
      { name: "event", data: ["cart", "cart"], type: "STRING" },
      { name: "event_date", data: [new Date(0), new Date("2022-10-01T00:00:00Z")], type: "TIMESTAMP" },
    ]);
    const { data, rows } = await rejectedOf([file]);
    expect(data.accounting.rows_kept).toBe(1);
    expect(data.customers).toEqual(["2"]);
    expect(rows.map((r) => [r.line, r.reason])).toEqual([["1", "implausible_date"]]);
  });

  it("reads a file of many row groups, numbering rows across them", async () => {
    const n = 2500;
    const file = writeParquet(
      join(tempDir(), "groups.parquet"),
      [
        { name: "customer_id", data: Array.from({ length: n }, (_, i) => BigInt(i + 1)), type: "INT64" },
        { name: "product_id", data: Array.from({ length: n }, (_, i) => BigInt(i % 7)), type: "INT64" },
        {
          name: "event",
          data: Array.from({ length: n }, (_, i) => (i % 1000 === 999 ? "view" : "cart")),
          type: "STRING",
        },
        {
          name: "event_date",
          data: Array.from({ length: n }, (_, i) => new Date(Date.UTC(2022, 9, 1) + i * 1000)),
          type: "TIMESTAMP",
        },
      ],
      400,
    );
    const meta = await parquetMetadataAsync(await asyncBufferFromFile(file));
    expect(meta.row_groups).toHaveLength(7);
    const { data, rows } = await rejectedOf([file]);
    expect(data.accounting.rows_read).toBe(n);
    expect(data.accounting.rows_kept).toBe(n - 2);
    expect(rows.map((r) => [r.line, r.reason, r.raw.split(",")[0]])).toEqual([
      ["1000", "unknown_event", "1000"],
      ["2000", "unknown_event", "2000"],
    ]);
  });

  it("reads a folder mixing .csv, .csv.gz and .parquet in name order", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "a.csv"), `${HEADER}\n11,200,cart,2022-10-01 10:00:00,X\n`);
    writeFileSync(join(dir, "b.csv.gz"), gzipSync(`${HEADER}\n12,201,cart,2022-10-02 10:00:00,Y\n`));
    writeParquet(join(dir, "c.parquet"), typedColumns());
    writeFileSync(join(dir, "notes.txt"), "not a log");
    const { data, rows } = await rejectedOf([dir]);
    expect(data.files.map((f) => f.slice(dir.length + 1))).toEqual(["a.csv", "b.csv.gz", "c.parquet"]);
    expect(data.accounting.rows_read).toBe(7);
    expect(data.accounting.rows_kept).toBe(4);
    expect(data.customers).toEqual(["11", "12", "1", "2"]);
    expect(rows.map((r) => [r.source.slice(dir.length + 1), r.line])).toEqual([
      ["c.parquet", "3"],
      ["c.parquet", "4"],
      ["c.parquet", "5"],
    ]);
  });
});

/** One row whose event_date is a zone-less (isAdjustedToUTC false) microsecond timestamp, as Spark writes TIMESTAMP_NTZ. */
function writeZonelessMicros(file: string, customer: bigint, micros: bigint): string {
  const required = "REQUIRED" as const;
  parquetWriteFile({
    filename: file,
    columnData: [
      { name: "customer_id", data: [customer] },
      { name: "product_id", data: [90n] },
      { name: "event", data: ["cart"] },
      { name: "event_date", data: [micros] },
    ],
    schema: [
      { name: "root", num_children: 4 },
      { name: "customer_id", type: "INT64", repetition_type: required },
      { name: "product_id", type: "INT64", repetition_type: required },
      { name: "event", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: required },
      {
        name: "event_date",
        type: "INT64",
        logical_type: { type: "TIMESTAMP", isAdjustedToUTC: false, unit: "MICROS" },
        repetition_type: required,
      },
    ],
  });
  return file;
}

/** The build meta names its input files and their hash; everything else must match. */
function withoutInput(value: string): string {
  const parsed = JSON.parse(value);
  if (parsed && typeof parsed === "object" && "input" in parsed) parsed.input = "(input files)";
  return JSON.stringify(parsed);
}

describe("the same log as CSV and as Parquet", () => {
  it("gives the same stats.json and the same bulk values", async () => {
    const dir = tempDir();
    const csv = join(dir, "log.csv");
    const pq = join(dir, "log.parquet");
    expect((await runCli("generate", "--rows", "4000", "--out", csv, "--seed", "3", "--quiet")).code).toBe(0);
    const gen = await runCli(
      "generate",
      "--rows",
      "4000",
      "--out",
      pq,
      "--seed",
      "3",
      "--format",
      "parquet",
      "--quiet",
    );
    expect(gen.code).toBe(0);
    expect(statSync(pq).size).toBeLessThan(statSync(csv).size / 2);
    const meta = await parquetMetadataAsync(await asyncBufferFromFile(pq));
    expect(meta.schema.slice(1).map((e) => [e.name, e.type, e.logical_type?.type])).toEqual([
      ["customer_id", "INT64", undefined],
      ["product_id", "INT64", undefined],
      ["event", "BYTE_ARRAY", "STRING"],
      ["event_date", "INT64", "TIMESTAMP"],
      ["product_name", "BYTE_ARRAY", "STRING"],
    ]);

    expect((await runCli("analyze", csv, "--out", join(dir, "a-csv"), "--quiet")).code).toBe(0);
    expect((await runCli("analyze", pq, "--out", join(dir, "a-pq"), "--quiet")).code).toBe(0);
    const statsCsv = JSON.parse(readFileSync(join(dir, "a-csv", "stats.json"), "utf8"));
    const statsPq = JSON.parse(readFileSync(join(dir, "a-pq", "stats.json"), "utf8"));
    expect(statsCsv.ingest.rows_read).toBe(4000);
    expect(statsPq).toEqual(statsCsv);

    const now = new Date("2026-12-01T00:00:00Z");
    const values = async (input: string, out: string) => {
      const r = await build({ inputs: [input], outDir: join(dir, out), config, now });
      const parts = readdirSync(join(r.dir, "kv")).sort();
      expect(parts.length).toBeGreaterThan(0);
      return parts
        .flatMap(
          (p) => JSON.parse(readFileSync(join(r.dir, "kv", p), "utf8")) as { key: string; value: string }[],
        )
        .map(({ key, value }) => [
          key.replaceAll(r.version, "V"),
          withoutInput(value.replaceAll(r.version, "V")),
        ])
        .sort((a, b) => (a[0] < b[0] ? -1 : 1));
    };
    const fromCsv = await values(csv, "b-csv");
    const fromPq = await values(pq, "b-pq");
    expect(fromCsv.length).toBeGreaterThan(1000);
    expect(fromPq).toEqual(fromCsv);
  }, 120_000);

  it("a dirty log as Parquet is rejected row for row as generated (no malformed rows: a Parquet row cannot have a wrong field count)", async () => {
    const dir = tempDir();
    const pq = join(dir, "dirty.parquet");
    const gen = await runCli(
      "generate",
      "--rows",
      "6000",
      "--dirty",
      "--out",
      pq,
      "--format",
      "parquet",
      "--quiet",
    );
    expect(gen.code).toBe(0);
    const injected = Number(/([\d,]+) dirty rows/.exec(gen.stdout)![1].replace(/,/g, ""));
    const out = join(dir, "rejected.csv");
    const data = await ingest([pq], { config, rejectedPath: out });
    const { rows_read, rows_kept, rejected } = data.accounting;
    const total = Object.values(rejected).reduce((a, b) => a + b, 0);
    expect(rows_read).toBe(rows_kept + total);
    expect(total).toBe(injected);
    expect(rejected.malformed_row).toBe(0);
    expect(rejected.bot).toBeGreaterThan(1000);
    expect(readFileSync(out, "utf8").trim().split("\n")).toHaveLength(total + 1);
  }, 60_000);
});

describe("bad Parquet files: one line, exit 2", () => {
  const expectOneLine = (r: { code: number; stderr: string }, pattern: RegExp) => {
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(pattern);
    expect(r.stderr).not.toMatch(/\bat .*\.(ts|js):\d+/);
  };

  it("a missing column names it", async () => {
    const dir = tempDir();
    const file = writeParquet(
      join(dir, "nodate.parquet"),
      typedColumns().filter((c) => c.name !== "event_date"),
    );
    const r = await runCli("analyze", file, "--out", dir, "--quiet");
    expectOneLine(r, /nodate\.parquet: missing required column\(s\) event_date/);
  });

  it("a plain integer date is a wrong type, not a guess at its unit", async () => {
    const dir = tempDir();
    const columns = typedColumns().map((c) =>
      c.name === "event_date"
        ? { name: "event_date", data: new BigInt64Array(5).fill(1_664_625_600_000n) }
        : c,
    );
    const file = writeParquet(join(dir, "epoch.parquet"), columns);
    expectOneLine(
      await runCli("analyze", file, "--out", dir, "--quiet"),
      /epoch\.parquet: column event_date has the wrong type \(integer values\); expected text or a timestamp or date/,
    );
  });

  it("a wrong type names the column and the type", async () => {
    const dir = tempDir();
    const columns = typedColumns().map((c) =>
      c.name === "customer_id"
        ? { name: "customer_id", data: [1.5, 2.5, 3.5, 4.5, 5.5], type: "DOUBLE" as const }
        : c,
    );
    const file = writeParquet(join(dir, "floats.parquet"), columns);
    const r = await runCli("build", file, "--out", dir, "--quiet");
    expectOneLine(
      r,
      /floats\.parquet: column customer_id has the wrong type \(DOUBLE\); expected text or integer/,
    );
  });

  it("a corrupt footer, and a folder with one bad file among good ones names that file", async () => {
    const dir = tempDir();
    const good = join(dir, "logs");
    mkdirSync(good);
    writeFileSync(join(good, "a.csv"), `${HEADER}\n11,200,cart,2022-10-01 10:00:00,X\n`);
    const broken = writeParquet(join(good, "b.parquet"), typedColumns());
    truncateSync(broken, statSync(broken).size - 3);
    const single = await runCli("analyze", broken, "--out", dir, "--quiet");
    expectOneLine(single, /b\.parquet: not a readable Parquet file/);
    const folder = await runCli("analyze", good, "--out", dir, "--quiet");
    expectOneLine(folder, /logs\/b\.parquet: not a readable Parquet file/);
  });

  it("a file that is not Parquet at all", async () => {
    const dir = tempDir();
    const file = join(dir, "export.parquet");
    writeFileSync(file, `${HEADER}\n1,2,cart,2022-10-01,A\n`);
    expectOneLine(
      await runCli("analyze", file, "--out", dir, "--quiet"),
      /export\.parquet: not a readable Parquet file/,
    );
  });
});
