// The tail thread (parse-thread.ts) must not change a single decision: the same kept rows,
// dictionaries, accounting and rejected.csv as one thread reading the whole file, whether
// its offset is a record boundary (its records are used) or sits inside a quoted field
// (they must be dropped and the file read on by the ingest itself).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../pipeline/config.js";
import { generate } from "../../pipeline/generate/generate.js";
import { type Interactions, ingest } from "../../pipeline/ingest/ingest.js";
import { tailOffset } from "../../pipeline/ingest/parse-client.js";
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

/** Ingests `file` on one thread and with the tail thread; returns both and whether the thread's records were used. */
async function both(file: string) {
  const config = defaultConfig();
  const alone = await ingest([file], {
    config,
    parseThread: false,
    rejectedPath: `${file}.alone.rejected.csv`,
  });
  let used: boolean | undefined;
  const threaded = await ingest([file], {
    config,
    parseThread: true,
    rejectedPath: `${file}.threaded.rejected.csv`,
    onTailThread: (u) => (used = u),
  });
  return {
    alone: plain(alone),
    threaded: plain(threaded),
    rejected: [
      readFileSync(`${file}.alone.rejected.csv`, "utf8"),
      readFileSync(`${file}.threaded.rejected.csv`, "utf8"),
    ],
    used,
  };
}

describe("ingest with the tail thread", () => {
  it("reads a dirty export exactly as one thread does, using the thread's records", async () => {
    const file = join(dir, "dirty.csv");
    await generate({ rows: 20_000, seed: "tail", out: file, dirty: true });
    const r = await both(file);
    expect(r.used).toBe(true);
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
    expect(r.used).toBe(true);
    expect(r.threaded).toEqual(r.alone);
    expect(r.rejected[1]).toBe(r.rejected[0]);
    expect(r.alone.accounting.rejected.malformed_row).toBeGreaterThan(0);
  });

  it("drops the thread's records when its offset falls inside a quoted field", async () => {
    const file = join(dir, "quoted.csv");
    const row = (i: number, name: string) =>
      `${1000 + (i % 37)},${2000 + i},cart,2023-01-0${1 + (i % 9)} 10:00:00,${name}\n`;
    let text = "customer_id,product_id,event,event_date,product_name\n";
    for (let i = 0; i < 200; i++) text += row(i, `Product ${i}`);
    // A name of many short lines around the middle of the file: the first newline past the
    // middle is inside its quotes.
    const middle = `"${Array.from({ length: 400 }, (_, k) => `line ${k}`).join("\n")}"`;
    text += row(200, middle);
    for (let i = 201; i < 400; i++) text += row(i, `Product ${i}`);
    writeFileSync(file, text);
    const offset = await tailOffset(file, true);
    const start = text.indexOf(middle);
    expect(offset).toBeGreaterThan(start);
    expect(offset).toBeLessThan(start + middle.length);

    const r = await both(file);
    expect(r.used).toBe(false);
    expect(r.threaded).toEqual(r.alone);
    expect(r.alone.count).toBe(400);
    expect(r.alone.productNames[r.alone.products.indexOf("2200")]).toBe(
      JSON.parse(middle.replace(/\n/g, "\\n")),
    );
  });

  it("reports a bad row in the tail with its line in the file", async () => {
    const file = join(dir, "bad-tail.csv");
    let text = "customer_id,product_id,event,event_date\n";
    for (let i = 0; i < 300; i++) text += `${i},${i},cart,2023-01-05 10:00:00\n`;
    text += "7,7,cart,not a date\n";
    writeFileSync(file, text);
    const r = await both(file);
    expect(r.used).toBe(true);
    expect(r.rejected[1]).toBe(r.rejected[0]);
    expect(r.rejected[1]).toContain(`${file},302,invalid_date,"7,7,cart,not a date"`);
  });

  it("is not started for a compressed file or a small one", async () => {
    expect(await tailOffset(join(dir, "x.csv.gz"), true)).toBeUndefined();
    expect(await tailOffset(join(dir, "bad-tail.csv"))).toBeUndefined();
  });
});
