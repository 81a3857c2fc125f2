// What the ingest reads: plain, gzip and folder input; header variants; lines a CSV
// parser would choke on, which must end up as rejected rows and never as a crash.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../pipeline/config.js";
import { ingest } from "../../pipeline/ingest/ingest.js";
import { tempDir } from "../helpers/tmp.js";

const config = defaultConfig();
const ROWS = [
  "1,100,cart,2022-10-01 10:00:00,A",
  "2,101,purchased,2022-10-02 10:00:00,B",
  "3,100,wishlist,2022-10-03 10:00:00,A",
];
const HEADER = "customer_id,product_id,event,event_date,product_name";

function write(dir: string, name: string, text: string | Buffer): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

async function rejectedOf(files: string[]) {
  const out = join(tempDir(), "rejected.csv");
  const data = await ingest(files, { config, rejectedPath: out });
  const rows = parse(readFileSync(out, "utf8"), { columns: true }) as {
    source: string;
    line: string;
    reason: string;
    raw: string;
  }[];
  return { data, rows };
}

describe("ingest inputs", () => {
  it("reads a .csv.gz like the plain file", async () => {
    const dir = tempDir();
    const text = `${[HEADER, ...ROWS, "4,,cart,2022-10-04 10:00:00,C"].join("\n")}\n`;
    const gz = write(dir, "log.csv.gz", gzipSync(text));
    const { data, rows } = await rejectedOf([gz]);
    expect(data.accounting.rows_read).toBe(4);
    expect(data.accounting.rows_kept).toBe(3);
    expect(data.customers).toEqual(["1", "2", "3"]);
    expect(rows).toEqual([
      { source: gz, line: "5", reason: "missing_product_id", raw: "4,,cart,2022-10-04 10:00:00,C" },
    ]);
  });

  it("reads every .csv and .csv.gz of a folder in name order, and nothing else", async () => {
    const dir = tempDir();
    write(dir, "b.csv.gz", gzipSync([HEADER, ROWS[1]].join("\n")));
    write(dir, "a.csv", [HEADER, ROWS[0]].join("\n"));
    write(dir, "c.CSV", [HEADER, ROWS[2]].join("\r\n"));
    write(dir, "notes.txt", "not, a, log\n");
    const data = await ingest([dir], { config });
    expect(data.files.map((f) => f.slice(dir.length + 1))).toEqual(["a.csv", "b.csv.gz", "c.CSV"]);
    expect(data.accounting.rows_read).toBe(3);
    expect(Array.from(data.customer, (c) => data.customers[c])).toEqual(["1", "2", "3"]);
  });

  it("finds a duplicate across files", async () => {
    const dir = tempDir();
    write(dir, "a.csv", [HEADER, ROWS[0]].join("\n"));
    write(dir, "b.csv", [HEADER, ROWS[0].replace("10:00:00", "10:00:00.000Z")].join("\n"));
    const { data, rows } = await rejectedOf([dir]);
    expect(data.accounting.rejected.duplicate).toBe(1);
    expect(rows[0].source).toBe(join(dir, "b.csv"));
    expect(rows[0].line).toBe("2");
  });

  it.each([
    ["mixed case and spaces", "Customer ID,PRODUCT_ID, Event ,Event_Date,Product Name"],
    ["a pandas index column", ",customer_id,product_id,event,event_date,product_name"],
    ["an 'index' column", "index,customer_id,product_id,event,event_date,product_name"],
    ["an 'Unnamed: 0' column", "Unnamed: 0,customer_id,product_id,event,event_date"],
    ["a byte-order mark", "\uFEFFcustomer_id,product_id,event,event_date"],
    ["reordered columns", "event_date,event,product_id,customer_id"],
  ])("matches a header with %s", async (_, header) => {
    const names = header
      .replace("\uFEFF", "")
      .split(",")
      .map((h) => h.toLowerCase().replace(/[\s_]/g, ""));
    const rows = ROWS.map((r, i) => {
      const [c, p, e, d, n] = r.split(",");
      const byName: Record<string, string> = {
        customerid: c,
        productid: p,
        event: e,
        eventdate: d,
        productname: n,
        "": String(i),
        index: String(i),
        "unnamed:0": String(i),
      };
      return names.map((k) => byName[k]).join(",");
    });
    const file = write(tempDir(), "h.csv", [header, ...rows].join("\n"));
    const data = await ingest([file], { config });
    expect(data.accounting.rows_kept).toBe(3);
    expect(data.customers).toEqual(["1", "2", "3"]);
    expect(data.products).toEqual(["100", "101"]);
    expect(Array.from(data.time)).toEqual([1664618400000, 1664704800000, 1664791200000]);
  });

  it("names the missing columns of a header", async () => {
    const file = write(tempDir(), "bad.csv", "customer,product_id,event\n1,2,cart\n");
    await expect(ingest([file], { config })).rejects.toThrow(
      /missing required column\(s\) customer_id, event_date/,
    );
  });

  it("an empty file, a missing file and a corrupt gzip are one-line usage errors", async () => {
    const dir = tempDir();
    await expect(ingest([write(dir, "empty.csv", "")], { config })).rejects.toMatchObject({
      name: "UsageError",
      message: expect.stringMatching(/empty file/),
    });
    await expect(ingest([join(dir, "nope.csv")], { config })).rejects.toMatchObject({
      name: "UsageError",
      message: expect.stringMatching(/input not found/),
    });
    await expect(ingest([write(dir, "x.csv.gz", "this is not gzip")], { config })).rejects.toMatchObject({
      name: "UsageError",
      message: expect.stringMatching(/x\.csv\.gz: cannot read: not a valid gzip file/),
    });
    mkdirSync(join(dir, "nothing"));
    await expect(ingest([join(dir, "nothing")], { config })).rejects.toMatchObject({ name: "UsageError" });
  });

  it("turns lines a CSV parser chokes on into malformed rows, with their line numbers", async () => {
    const lines = [
      HEADER,
      ROWS[0], // 2
      "", // 3: blank lines are not rows
      "   ", // 4: one field
      '5,102,ca"rt,2022-10-01 10:00:00,stray quote inside a field', // 5: read as text
      '6,103,cart,2022-10-01 10:00:00,"a name', // 6: quote opened ...
      'over two lines"', // 7: ... and closed: one record
      "7,104,cart,2022-10-01 10:00:00,A,B,C", // 8: too many fields
      "\u0000\u0001\u00ff,garbage", // 9
      ROWS[1], // 10
      '8,105,cart,2022-10-01 10:00:00,"never closed', // 11: swallows the rest
      ROWS[2],
    ];
    const file = write(tempDir(), "broken.csv", `${lines.join("\n")}\n`);
    const { data, rows } = await rejectedOf([file]);
    const a = data.accounting;
    expect(a.rows_read).toBe(a.rows_kept + Object.values(a.rejected).reduce((x, y) => x + y, 0));
    expect(rows.map((r) => [r.line, r.reason])).toEqual([
      ["4", "malformed_row"],
      ["5", "unknown_event"],
      ["8", "malformed_row"],
      ["9", "malformed_row"],
      ["11", "malformed_row"],
    ]);
    expect(rows[0].raw).toBe("   ");
    expect(rows[4].raw).toBe(`${lines[10]}\n${lines[11]}`);
    expect(data.accounting.rows_kept).toBe(3);
    expect(data.productNames[data.products.indexOf("103")]).toBe("a name\nover two lines");
  });
});
