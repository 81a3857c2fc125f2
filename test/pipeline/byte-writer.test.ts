// Values written as bytes must read back as the very string JSON.stringify and String give:
// escapes, characters past ASCII (including a lone surrogate), numbers, and a writer that
// grows past its first buffer.
import { describe, expect, it } from "vitest";
import { ByteWriter } from "../../pipeline/model/byte-writer.js";

describe("ByteWriter", () => {
  it("writes JSON string literals as JSON.stringify does", () => {
    const texts = [
      "",
      "plain",
      'say "hi"',
      "back\\slash",
      "tab\there\nline",
      "\u0000\u001f",
      "Café",
      "😀 ok",
      "日本語",
      "lone \ud800 half",
      "\u007f",
    ];
    for (const text of texts) {
      const writer = new ByteWriter(4);
      writer.jsonString(text);
      expect(writer.take()).toBe(JSON.stringify(text));
    }
  });

  it("writes integers in decimal and other numbers as String() does", () => {
    const writer = new ByteWriter(4);
    for (const n of [0, 7, 10, 99, 100, 123456789, 2147483647, 2147483648, -1, 1.5]) {
      writer.int(n);
      writer.byte(0x2c);
    }
    expect(writer.take()).toBe("0,7,10,99,100,123456789,2147483647,2147483648,-1,1.5,");
  });

  it("copies another writer's bytes, short and long, and starts afresh after take() (a leading U+FEFF kept)", () => {
    const entries = new ByteWriter(8);
    entries.jsonString("ab");
    const long = "x".repeat(200);
    entries.utf8(`é${long}`);
    const out = new ByteWriter(8);
    out.ascii("[");
    out.copy(entries, 0, 4);
    out.ascii(",");
    out.copy(entries, 4, entries.length);
    out.ascii("]");
    expect(out.take()).toBe(`["ab",é${long}]`);
    out.utf8("\ufeffnext");
    expect(out.take()).toBe("\ufeffnext");
  });
});
