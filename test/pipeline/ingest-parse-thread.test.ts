// The parse thread (parse-thread.ts) must not change a single decision: the same kept rows,
// dictionaries, accounting and rejected.csv as one thread reading the whole input, whether
// every segment starts at a record boundary (the thread's records are used) or one starts
// inside a quoted field (the ingest must drop the thread and read that file on itself).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../pipeline/config.js";
import { generate } from "../../pipeline/generate/generate.js";
import { type Interactions, ingest, type ParseReport } from "../../pipeline/ingest/ingest.js";
import { planSegments } from "../../pipeline/ingest/segments.js";
import { tempDir } from "../helpers/tmp.js";

const dir = tempDir();

function plain(data: Interactions) {
  return {
    ...data,
    customer: Array.from(data.customer),
    product: Array.from(data.product),
    event: Array.from(data.event),
    time: Array.from(data.time),
    eventWeights: Array.from(data.eventWeights),
  };
}

/** Small segments, so a test file of a few hundred kilobytes is cut into many. */
const SEGMENT = 16 << 10;

/** Ingests `file` (or folder) on one thread and with the parse thread; returns both and how the segments were shared. */
async function both(file: string) {
  const config = defaultConfig();
  const alone = await ingest([file], {
    config,
    parseThread: false,
    rejectedPath: `${file}.alone.rejected.csv`,
  });
  let report: ParseReport | undefined;
  const threaded = await ingest([file], {
    config,
    parseThread: true,
    segmentBytes: SEGMENT,
    rejectedPath: `${file}.threaded.rejected.csv`,
    onParseThread: (r) => (report = r),
  });
  return {
    alone: plain(alone),
    threaded: plain(threaded),
    rejected: [
      readFileSync(`${file}.alone.rejected.csv`, "utf8"),
      readFileSync(`${file}.threaded.rejected.csv`, "utf8"),
    ],
    report: report!,
  };
}

describe("ingest with the parse thread", () => {
  it("reads a dirty export exactly as one thread does, using the thread's records", async () => {
    const file = join(dir, "dirty.csv");
    await generate({ rows: 20_000, seed: "tail", out: file, dirty: true });
    const r = await both(file);
    const segments = await planSegments([file], SEGMENT);
    expect(segments.length).toBeGreaterThan(40);
    expect(r.report.misaligned).toBe(false);
    expect(r.report.thread).toBeGreaterThan(0);
    expect(r.report.thread + r.report.ingest).toBe(segments.length);
    expect(r.alone.accounting.rows_read).toBe(20_000);
    expect(r.alone.accounting.rows_kept).toBeLessThan(20_000);
    expect(r.threaded).toEqual(r.alone);
    expect(r.rejected[1]).toBe(r.rejected[0]);
  });

  it("gives the same byte ranges with CRLF line ends", async () => {
    const file = join(dir, "crlf.csv");
    await generate({ rows: 5_000, seed: "crlf", out: join(dir, "lf.csv"), dirty: true });
    writeFileSync(file, readFileSync(join(dir, "lf.csv"), "utf8").replace(/\n/g, "\r\n"));
    const r = await both(file);
    expect(r.report.misaligned).toBe(false);
    expect(r.report.thread).toBeGreaterThan(0);
    expect(r.threaded).toEqual(r.alone);
    expect(r.rejected[1]).toBe(r.rejected[0]);
    expect(r.alone.accounting.rejected.malformed_row).toBeGreaterThan(0);
  });

  it("drops the thread when a segment starts inside a quoted field", async () => {
    const file = join(dir, "quoted.csv");
    const row = (i: number, name: string) =>
      `${1000 + (i % 37)},${2000 + i},cart,2023-01-0${1 + (i % 9)} 10:00:00,${name}\n`;
    let text = "customer_id,product_id,event,event_date,product_name\n";
    for (let i = 0; i < 1000; i++) text += row(i, `Product ${i}`);
    // A name of many short lines across the second cut: the first newline past it is inside
    // the quotes.
    const middle = `"${Array.from({ length: 3000 }, (_, k) => `line ${k}`).join("\n")}"`;
    text += row(1000, middle);
    for (let i = 1001; i < 3000; i++) text += row(i, `Product ${i}`);
    writeFileSync(file, text);
    const cuts = (await planSegments([file], SEGMENT)).map((s) => s.from);
    const start = text.indexOf(middle);
    expect(cuts.some((cut) => cut > start && cut < start + middle.length)).toBe(true);

    const r = await both(file);
    expect(r.report.misaligned).toBe(true);
    expect(r.threaded).toEqual(r.alone);
    expect(r.rejected[1]).toBe(r.rejected[0]);
    expect(r.alone.count).toBe(3000);
    expect(r.alone.productNames[r.alone.products.indexOf("3000")]).toBe(
      JSON.parse(middle.replace(/\n/g, "\\n")),
    );
  });

  it("reads a folder of plain and compressed files in order, sharing the plain ones", async () => {
    const folder = join(dir, "folder");
    mkdirSync(folder, { recursive: true });
    await generate({ rows: 8_000, seed: "f1", out: join(folder, "a.csv"), dirty: true });
    await generate({ rows: 4_000, seed: "f2", out: join(dir, "b.csv"), dirty: true });
    writeFileSync(join(folder, "b.csv.gz"), gzipSync(readFileSync(join(dir, "b.csv"))));
    await generate({ rows: 8_000, seed: "f3", out: join(folder, "c.csv"), dirty: true });
    const segments = await planSegments(
      [join(folder, "a.csv"), join(folder, "b.csv.gz"), join(folder, "c.csv")],
      SEGMENT,
    );
    expect(segments.filter((s) => !s.shared).map((s) => s.file)).toEqual([join(folder, "b.csv.gz")]);
    const r = await both(folder);
    expect(r.report.misaligned).toBe(false);
    expect(r.report.thread).toBeGreaterThan(0);
    expect(r.alone.accounting.rows_read).toBe(20_000);
    expect(r.threaded).toEqual(r.alone);
    expect(r.rejected[1]).toBe(r.rejected[0]);
  });

  it("reports bad rows in every segment with their lines in the file", async () => {
    const file = join(dir, "bad-rows.csv");
    let text = "customer_id,product_id,event,event_date\n";
    const bad: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      if (i % 997 === 500) {
        text += `7,${i},cart,not a date\n`;
        bad.push(i + 2);
      } else text += `${i},${i},cart,2023-01-05 10:00:00\n`;
    }
    writeFileSync(file, text);
    const r = await both(file);
    expect(r.report.thread).toBeGreaterThan(0);
    expect(r.rejected[1]).toBe(r.rejected[0]);
    for (const line of bad) expect(r.rejected[1]).toContain(`${file},${line},invalid_date,"7,`);
  });

  it("cuts plain files just after a newline and keeps a compressed file whole", async () => {
    const file = join(dir, "bad-rows.csv");
    const text = readFileSync(file, "utf8");
    const segments = await planSegments([file, join(dir, "x.csv.gz")], SEGMENT);
    const plain = segments.filter((s) => s.file === file);
    expect(plain.length).toBeGreaterThan(3);
    expect(plain[0].from).toBe(0);
    expect(plain[plain.length - 1].to).toBe(Buffer.byteLength(text));
    for (let k = 1; k < plain.length; k++) {
      expect(plain[k].from).toBe(plain[k - 1].to);
      expect(text[plain[k].from - 1]).toBe("\n");
    }
    expect(segments[segments.length - 1]).toMatchObject({ from: 0, shared: false });
  });

  it("is not started for a small input unless asked", async () => {
    const file = join(dir, "bad-rows.csv");
    let report: ParseReport | undefined;
    await ingest([file], {
      config: defaultConfig(),
      segmentBytes: SEGMENT,
      onParseThread: (r) => (report = r),
    });
    expect(report).toEqual({
      thread: 0,
      ingest: (await planSegments([file], SEGMENT)).length,
      misaligned: false,
    });
  });
});
