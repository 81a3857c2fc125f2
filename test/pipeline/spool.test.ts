// Pairs set aside on disk (the search index's values between search and finish) come back
// in order, escaped exactly as the part writer escapes a pair, with their served size.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PairSpool } from "../../pipeline/serialize/spool.js";
import { tempDir } from "../helpers/tmp.js";

describe("pair spool", () => {
  it("gives back every pair in order, escaped for a bulk file, and removes its file", () => {
    const file = join(tempDir(), "spool");
    const spool = new PairSpool(file);
    const pairs = [
      { key: "v/1/search/0", value: '{"products":[[1,"Acme \\"Rocket\\" 2",3]]}' },
      { key: "v/1/search/1", value: "" },
      { key: "v/1/search/2", value: 'Zürich – line\nbreak and a \\ backslash "quoted"' },
    ];
    for (const pair of pairs) spool.add(pair);
    expect(existsSync(file)).toBe(true);
    const back = [...spool.drain()].map((p) => ({
      key: p.key.toString(),
      value: p.value.toString(),
      valueBytes: p.valueBytes,
    }));
    expect(back).toEqual([
      {
        key: "v/1/search/0",
        value: '{\\"products\\":[[1,\\"Acme \\\\\\"Rocket\\\\\\" 2\\",3]]}',
        valueBytes: 40,
      },
      { key: "v/1/search/1", value: "", valueBytes: 0 },
      {
        key: "v/1/search/2",
        value: 'Zürich – line\\nbreak and a \\\\ backslash \\"quoted\\"',
        valueBytes: 49,
      },
    ]);
    expect(existsSync(file)).toBe(false);
  });

  it("gives back nothing when nothing was added", () => {
    const spool = new PairSpool(join(tempDir(), "never-written"));
    expect([...spool.drain()]).toEqual([]);
  });
});
