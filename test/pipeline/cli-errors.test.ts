import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

describe("CLI errors on unusable input", () => {
  it("a missing input file: one line, exit 2, no stack trace", async () => {
    const r = await runCli("build", "/nonexistent/file.csv", "--out", tempDir(), "--quiet");
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("input not found: /nonexistent/file.csv");
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it("a CSV without the required columns names the missing ones", async () => {
    const dir = tempDir();
    const file = join(dir, "bad.csv");
    writeFileSync(file, "user,item,when\n1,2,2022-10-01\n");
    const r = await runCli("build", file, "--out", dir, "--quiet");
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/missing required column\(s\) customer_id, product_id, event, event_date/);
  });

  it("a bad option value is a usage error with exit 2", async () => {
    const r = await runCli("generate", "--rows", "-5", "--out", join(tempDir(), "x.csv"));
    expect(r.code).toBe(2);
  });

  it("an unknown --target is refused before anything runs, naming the choices", async () => {
    const r = await runCli("status", "--target", "nowhere");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Allowed choices are local, cloudflare");
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it("--help exits 0 and lists the commands", async () => {
    const r = await runCli("--help");
    expect(r.code).toBe(0);
  });
});
