// The accounting identity on a generated dirty export: every injected row is rejected
// for the reason it was built for, every clean row is kept, nothing is lost.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { defaultConfig } from "../../pipeline/config.js";
import { type GenerateResult, generate } from "../../pipeline/generate/generate.js";
import { type Interactions, ingest } from "../../pipeline/ingest/ingest.js";
import { REJECT_REASONS } from "../../pipeline/ingest/reasons.js";
import { tempDir } from "../helpers/tmp.js";

describe("ingest of a dirty generated export", () => {
  const dir = tempDir();
  const file = join(dir, "dirty.csv");
  const rejectedPath = join(dir, "rejected.csv");
  let made: GenerateResult;
  let data: Interactions;

  beforeAll(async () => {
    made = await generate({ rows: 20_000, seed: "dirty", out: file, dirty: true });
    data = await ingest([file], { config: defaultConfig(), rejectedPath });
  });

  it("reads every data row of the file", () => {
    const lines = readFileSync(file, "utf8").trimEnd().split("\n").length;
    expect(made.rows).toBe(20_000);
    expect(data.accounting.rows_read).toBe(lines - 1);
  });

  it("rows_read = rows_kept + Σ rejected", () => {
    const a = data.accounting;
    const rejected = REJECT_REASONS.reduce((sum, r) => sum + a.rejected[r], 0);
    expect(a.rows_read).toBe(a.rows_kept + rejected);
    expect(data.count).toBe(a.rows_kept);
  });

  it("rejects exactly what the generator injected, reason by reason", () => {
    for (const reason of REJECT_REASONS) expect(made.injected[reason]).toBeGreaterThan(0);
    expect(data.accounting.rejected).toEqual(made.injected);
  });

  it("rejected.csv holds one line per rejected row, each the file's line as read", () => {
    const rows = parse(readFileSync(rejectedPath, "utf8"), { columns: true }) as {
      line: string;
      reason: string;
      raw: string;
    }[];
    const source = readFileSync(file, "utf8").split("\n");
    expect(rows.length).toBe(data.accounting.rows_read - data.accounting.rows_kept);
    for (const r of rows) expect(r.raw).toBe(source[Number(r.line) - 1]);
    const counts = Object.fromEntries(
      REJECT_REASONS.map((reason) => [reason, rows.filter((r) => r.reason === reason).length]),
    );
    expect(counts).toEqual(made.injected);
  });

  it("keeps the clean rows' customers and products, and no bot", () => {
    expect(data.customers.length).toBe(made.customers);
    expect(data.products.length).toBe(made.products);
  });
});
