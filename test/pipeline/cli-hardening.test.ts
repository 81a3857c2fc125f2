// What used to crash or mislead, each now one line and the right exit code: outputs
// checked before any work, input quoted safely, failed builds leaving no debris.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

const HEADER = "customer_id,product_id,event,event_date";

describe("audience generate output", () => {
  const dir = tempDir("pa-gen-out-");

  it("--out a folder: exit 2, one line", async () => {
    const r = await runCli("generate", "--rows", "100", "--out", dir, "--quiet");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`audience: error: --out ${dir} is a folder: give a file name\n`);
  });

  it("--out /dev/full: exit 2, says the device is full", async () => {
    const r = await runCli("generate", "--rows", "100", "--out", "/dev/full", "--quiet");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("audience: error: cannot write /dev/full: no space left on the device\n");
  });

  it("--rows beyond the cap is refused at once", async () => {
    const t0 = Date.now();
    const r = await runCli("generate", "--rows", "2000000000", "--out", join(dir, "big.csv"), "--quiet");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--rows 2000000000 is more than this generator makes (at most 10,000,000)");
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(existsSync(join(dir, "big.csv"))).toBe(false);
  });

  it("--out x.csv.gz writes gzip that analyze reads", async () => {
    const gz = join(dir, "x.csv.gz");
    const plain = join(dir, "x.csv");
    expect((await runCli("generate", "--rows", "500", "--out", gz, "--quiet")).code).toBe(0);
    expect((await runCli("generate", "--rows", "500", "--out", plain, "--quiet")).code).toBe(0);
    const bytes = readFileSync(gz);
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
    expect(gunzipSync(bytes).toString("utf8")).toBe(readFileSync(plain, "utf8"));
    const r = await runCli("analyze", gz, "--out", join(dir, "a"), "--quiet");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("500 rows read: 500 kept");
  });

  it("a truncated .csv.gz says truncated", async () => {
    const gz = join(dir, "cut.csv.gz");
    expect((await runCli("generate", "--rows", "2000", "--out", gz, "--quiet")).code).toBe(0);
    writeFileSync(gz, readFileSync(gz).subarray(0, 4000));
    const r = await runCli("analyze", gz, "--out", join(dir, "cut"), "--quiet");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("the gzip file is truncated");
    writeFileSync(gz, "plain text, not gzip");
    const r2 = await runCli("analyze", gz, "--out", join(dir, "cut"), "--quiet");
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain("not a valid gzip file");
  });
});

describe("--out for build, analyze and evaluate", () => {
  it("an existing file is refused before the ingest", async () => {
    const dir = tempDir("pa-out-file-");
    const file = join(dir, "taken");
    writeFileSync(file, "x");
    // The input does not exist: were the ingest first, that would be the error.
    for (const command of ["build", "analyze", "evaluate"]) {
      const r = await runCli(command, join(dir, "missing.csv"), "--out", file, "--quiet");
      expect(r.code, command).toBe(2);
      expect(r.stderr, command).toBe(`audience: error: --out ${file} is a file, not a folder\n`);
    }
    expect(readFileSync(file, "utf8")).toBe("x");
  });
});

describe("input quoted in messages", () => {
  const dir = tempDir("pa-quote-");

  it("control characters in a header are escaped, never echoed raw", async () => {
    const file = join(dir, "evil.csv");
    writeFileSync(
      file,
      "\u001b]0;pwned\u0007customer_id,\u001b[2Jproduct,event,event_date\n1,2,cart,2022-10-01\n",
    );
    const r = await runCli("analyze", file, "--out", join(dir, "o"), "--quiet");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("missing required column(s) customer_id, product_id");
    expect(r.stderr).toContain("\\u001b]0;pwned\\u0007customer_id");
    expect(r.stderr).toContain("\\u001b[2Jproduct");
    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting their absence
    expect(r.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
  });

  it("control characters in an option value are escaped too", async () => {
    const r = await runCli("generate", "--rows", "\u001b[2J5", "--out", join(dir, "x.csv"));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("\\u001b[2J5");
    expect(r.stderr).not.toContain("\u001b");
  });

  it("a column named twice (in any spelling) is exit 2, naming both", async () => {
    const file = join(dir, "twice.csv");
    writeFileSync(file, "customer_id,product_id,event,event_date,Customer ID\n1,2,cart,2022-10-01,3\n");
    const r = await runCli("analyze", file, "--out", join(dir, "o2"), "--quiet");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('column(s) named more than once: customer_id ("customer_id", "Customer ID")');
    const same = join(dir, "same.csv");
    writeFileSync(same, "customer_id,event,product_id,event,event_date\n1,cart,2,view,2022-10-01\n");
    const r2 = await runCli("build", same, "--out", join(dir, "o3"), "--quiet");
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain('event ("event", "event")');
  });
});

describe("a build with no usable rows", () => {
  it("names rejected.csv's path and leaves no work folder behind", async () => {
    const dir = tempDir("pa-norows-");
    const file = join(dir, "bad.csv");
    writeFileSync(file, `${HEADER}\n,2,cart,2022-10-01\n1,2,cart,not a date\n`);
    const out = join(dir, "out");
    const r = await runCli("build", file, "--out", out, "--quiet");
    expect(r.code).toBe(2);
    const path = join(out, "rejected.csv");
    expect(r.stderr).toBe(
      `audience: error: no usable rows in the input: nothing to build (every row rejected: see ${path})\n`,
    );
    expect(readFileSync(path, "utf8")).toContain("missing_customer_id");
    expect(readdirSync(join(out, "builds"))).toEqual([]);
  });
});

describe("evaluate --quiet", () => {
  it("prints no progress, still the table", async () => {
    const dir = tempDir("pa-evq-");
    const file = join(dir, "log.csv");
    expect((await runCli("generate", "--rows", "3000", "--out", file, "--quiet")).code).toBe(0);
    const r = await runCli("evaluate", file, "--out", join(dir, "o"), "--quiet", "--k", "10");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("wrote");
    const loud = await runCli("evaluate", file, "--out", join(dir, "o"), "--k", "10");
    expect(loud.stderr).toContain("ingest");
  });
});

describe("status and rollback on a local store that does not exist", () => {
  it("exit 2 naming the folder, and the folder is not created", async () => {
    const dir = tempDir("pa-persist-");
    const typo = join(dir, "stat", "kv-typo");
    mkdirSync(join(dir, "stat"));
    for (const command of ["status", "rollback"]) {
      const r = await runCli(command, "--target", "local", "--namespace-id", "ns", "--persist-to", typo);
      expect(r.code, command).toBe(2);
      expect(r.stderr, command).toContain(`no local KV store at ${typo}`);
      expect(existsSync(typo), command).toBe(false);
    }
  });
});
