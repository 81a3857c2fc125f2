// The bulk-file writer, written past the page cache and through it: every part must be a
// wrangler bulk file holding exactly the pairs given, in order, with the size and checksum
// the manifest will vouch for. Direct writes go in whole blocks, so sizes around the block
// size, a value larger than a write buffer and part boundaries are where they could break.
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { xxhash128 } from "hash-wasm";
import { describe, expect, it } from "vitest";
import { alignedChunk, BLOCK, SequentialFile } from "../../pipeline/serialize/direct-file.js";
import { partChecksum } from "../../pipeline/serialize/manifest.js";
import { PartWriter } from "../../pipeline/serialize/parts.js";
import { tempDir } from "../helpers/tmp.js";

const root = tempDir("pa-parts-");

interface Pair {
  key: string;
  value: string;
}

function pairsOf(count: number, valueBytes: (i: number) => number): Pair[] {
  return Array.from({ length: count }, (_, i) => ({
    key: `v/test/rec/${i}/10`,
    // Quotes, a backslash and non-Latin text: the writer escapes them for the JSON file.
    value: `{"name":"Acme \\"Rocket\\" ${i} — ブレンダー 🚀","pad":"${"x".repeat(valueBytes(i))}"}`,
  }));
}

async function writeAll(dir: string, pairs: Pair[], direct: boolean, maxPairs: number, maxBytes?: number) {
  const writer = new PartWriter(dir, { direct, maxPairs, maxBytes });
  for (const pair of pairs) await writer.write(pair);
  return { parts: await writer.finish(), writer };
}

describe.each([
  ["past the page cache", true],
  ["through the page cache", false],
])("PartWriter %s", (_, direct) => {
  it("writes every pair once, in order, into parts whose size and checksum (XXH3-128) match their files", async () => {
    const dir = join(root, `many-${direct}`);
    // Sizes spread around the block size, so flushes leave every possible remainder.
    const pairs = pairsOf(2_500, (i) => (i * 977) % (3 * BLOCK));
    const { parts, writer } = await writeAll(dir, pairs, direct, 700);
    expect(parts.map((p) => p.pairs)).toEqual([700, 700, 700, 400]);
    const read: Pair[] = [];
    let fileBytes = 0;
    for (const part of parts) {
      const bytes = readFileSync(join(dir, part.file));
      expect(statSync(join(dir, part.file)).size).toBe(part.bytes);
      expect(bytes.length).toBe(part.bytes);
      expect(await xxhash128(bytes)).toBe(part.xxh128);
      const list = JSON.parse(bytes.toString("utf8")) as Pair[];
      expect(list).toHaveLength(part.pairs);
      read.push(...list);
      fileBytes += part.bytes;
    }
    expect(read).toEqual(pairs);
    expect(writer.keys).toBe(pairs.length);
    expect(writer.fileBytes).toBe(fileBytes);
    expect(writer.bytes).toBe(pairs.reduce((sum, p) => sum + Buffer.byteLength(p.value), 0));
  });

  it("checksums with XXH3-128, as xxhsum -H2 does (its published value for no bytes)", async () => {
    expect(await partChecksum(new Uint8Array(0))).toBe("99aa06d3014798d86001c324468d497f");
  });

  it("takes a value larger than its write buffer and keeps parts under the byte limit", async () => {
    const dir = join(root, `big-${direct}`);
    const big = 9 * 1024 * 1024 + 123;
    const pairs = pairsOf(5, (i) => (i === 2 ? big : 5_000));
    const maxBytes = big + 20_000;
    const { parts } = await writeAll(dir, pairs, direct, 10_000, maxBytes);
    expect(parts.length).toBeGreaterThan(1);
    const read: Pair[] = [];
    for (const part of parts) {
      expect(part.bytes).toBeLessThanOrEqual(maxBytes);
      const bytes = readFileSync(join(dir, part.file));
      expect(await xxhash128(bytes)).toBe(part.xxh128);
      read.push(...(JSON.parse(bytes.toString("utf8")) as Pair[]));
    }
    expect(read).toEqual(pairs);
  });
});

describe("SequentialFile", () => {
  it("cuts a direct file's padded last block back to the bytes written", async () => {
    const path = join(root, "seq.bin");
    const file = await SequentialFile.create(path, true);
    const chunk = alignedChunk(4 * BLOCK).fill(0x61);
    // Not a whole number of blocks: when the write is direct, only the whole block goes now.
    expect([BLOCK, BLOCK + 10]).toContain(file.writable(BLOCK + 10));
    await file.write(chunk, BLOCK);
    await file.write(chunk, 10, true);
    await file.close();
    expect(readFileSync(path)).toEqual(Buffer.alloc(BLOCK + 10, 0x61));
  });

  it("goes on through the page cache when a direct write is refused", async () => {
    const path = join(root, "refused.bin");
    const file = await SequentialFile.create(path, true);
    // Off by one byte from any alignment: O_DIRECT refuses it (EINVAL) where it is on.
    const unaligned = Buffer.alloc(3 * BLOCK + 1, 0x62).subarray(1);
    await file.write(unaligned, BLOCK);
    await file.write(unaligned, 7, true);
    await file.close();
    expect(readFileSync(path)).toEqual(Buffer.alloc(BLOCK + 7, 0x62));
  });
});
