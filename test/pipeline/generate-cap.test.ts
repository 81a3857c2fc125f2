// The generator refuses more rows than its cap (10M from the CLI), and a caller that knows
// it has the memory (the scale benchmark's 20M-row log) may raise the cap for its call.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generate } from "../../pipeline/generate/generate.js";
import { tempDir } from "../helpers/tmp.js";

describe("generate's row cap", () => {
  it("refuses rows over maxRows with the usual one-line message, and writes them under it", async () => {
    const out = join(tempDir(), "log.csv");
    await expect(generate({ rows: 300, seed: 1, out, maxRows: 200 })).rejects.toThrow(
      "--rows 300 is more than this generator makes (at most 200)",
    );
    const result = await generate({ rows: 300, seed: 1, out, maxRows: 300 });
    expect(result.rows).toBe(300);
    // A header and 300 data rows.
    expect(readFileSync(out, "utf8").trim().split("\n")).toHaveLength(301);
  });
});
