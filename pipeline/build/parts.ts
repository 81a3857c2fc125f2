// Writes KV pairs as wrangler bulk files (kv/part-0001.json, ...): at most 10,000 pairs
// and under 100 MB each, hashed as written so the manifest can vouch for them.
// Pairs are appended into a large buffer that is hashed and handed to the file in one
// write when full: a build writes a million values, and a write (and an await) per pair
// cost more than producing them.
import { createHash, type Hash } from "node:crypto";
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { KvPair } from "./serialize.js";
import { MAX_BYTES_PER_PART, MAX_PAIRS_PER_PART, type ManifestPart } from "./manifest.js";

const CHUNK_BYTES = 8 * 1024 * 1024;
/**
 * Bytes a part file may have queued before the writer waits. A stream reports "full" past
 * 16 KB, and waiting for each 8 MB chunk to drain made rendering and disk writes take
 * turns; with a bounded queue the file system writes (libuv's threads) overlap the rendering.
 */
const MAX_PENDING_BYTES = 64 * 1024 * 1024;

export class PartWriter {
  readonly parts: ManifestPart[] = [];
  keys = 0;
  /** Bytes of the values as served (what KV stores), not of the bulk files. */
  bytes = 0;
  /** Bytes of the bulk files. */
  fileBytes = 0;
  private out: WriteStream | undefined;
  private hash: Hash | undefined;
  private pairs = 0;
  private partBytes = 0;
  private buffer: Buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  /** Chunk buffers the file has finished writing, ready for reuse. */
  private readonly spare: Buffer[] = [];
  private used = 0;
  /** Parts being closed in the background; finish() waits for all of them. */
  private readonly closing: Promise<void>[] = [];
  private failure: Error | undefined;

  constructor(
    private readonly dir: string,
    private readonly maxPairs = MAX_PAIRS_PER_PART,
    private readonly maxBytes = MAX_BYTES_PER_PART,
  ) {}

  /** Any pair: the value is escaped here. */
  write(pair: KvPair): Promise<void> {
    const key = JSON.stringify(pair.key).slice(1, -1);
    const value = JSON.stringify(pair.value).slice(1, -1);
    return this.writeEscaped(key, value, "", 0, "", Buffer.byteLength(pair.value)) ?? Promise.resolve();
  }

  /**
   * A pair whose key and value are already escaped for a JSON string (see Renderer). The
   * value is `head + body.slice(0, bodyEnd) + close`, passed in pieces so the body (ASCII,
   * shared by every variant of a product) is copied straight into the buffer. `valueBytes`
   * is the value's served size. Returns a promise only when the caller must wait (a part
   * was closed or the file is behind), so the hot loop rarely awaits.
   */
  writeEscaped(keyText: string, head: string, body: string | Uint8Array, bodyEnd: number, close: string | Uint8Array, valueBytes: number): Promise<void> | undefined {
    const size = keyText.length + head.length + bodyEnd + close.length * (typeof close === "string" ? 3 : 1) + 22;
    if (this.out && (this.pairs >= this.maxPairs || this.partBytes + this.used + size + 4 > this.maxBytes)) {
      return this.closePart().then(() => this.writeEscaped(keyText, head, body, bodyEnd, close, valueBytes));
    }
    if (!this.out) return this.openPart().then(() => this.writeEscaped(keyText, head, body, bodyEnd, close, valueBytes));
    this.append(this.pairs === 0 ? '\n{"key":"' : ',\n{"key":"');
    this.append(keyText);
    this.append('","value":"');
    this.append(head);
    if (bodyEnd > 0) {
      this.reserve(bodyEnd);
      if (typeof body === "string") this.used += this.buffer.write(body, this.used, bodyEnd, "latin1");
      else {
        this.buffer.set(body.subarray(0, bodyEnd), this.used);
        this.used += bodyEnd;
      }
    }
    if (typeof close === "string") this.append(close);
    else {
      this.reserve(close.length);
      this.buffer.set(close, this.used);
      this.used += close.length;
    }
    this.append('"}');
    this.pairs++;
    this.keys++;
    this.bytes += valueBytes;
    return this.used > CHUNK_BYTES - 1024 * 1024 ? this.flush() : undefined;
  }

  async finish(): Promise<ManifestPart[]> {
    if (this.out) await this.closePart();
    await Promise.allSettled(this.closing);
    if (this.failure) throw this.failure;
    return this.parts;
  }

  private append(text: string): void {
    // Most strings are ASCII; a character takes at most 3 bytes, so this check is safe.
    if (this.used + text.length * 3 > this.buffer.length) this.reserve(Buffer.byteLength(text));
    this.used += this.buffer.write(text, this.used);
  }

  private reserve(bytes: number): void {
    if (this.used + bytes <= this.buffer.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.used + bytes));
    this.buffer.copy(bigger, 0, 0, this.used);
    this.buffer = bigger;
  }

  private flush(): Promise<void> | undefined {
    if (this.used === 0) return undefined;
    const full = this.buffer;
    const chunk = full.subarray(0, this.used);
    // Buffers come back once written: a fresh 8 MB buffer per chunk (hundreds per build) made
    // the garbage collector run for the external memory alone.
    this.buffer = this.spare.pop() ?? Buffer.allocUnsafe(CHUNK_BYTES);
    this.used = 0;
    this.hash!.update(chunk);
    this.partBytes += chunk.length;
    this.fileBytes += chunk.length;
    const out = this.out!;
    out.write(chunk, () => {
      if (full.length === CHUNK_BYTES) this.spare.push(full);
    });
    return out.writableLength > MAX_PENDING_BYTES ? new Promise((resolve) => out.once("drain", () => resolve())) : undefined;
  }

  private async openPart(): Promise<void> {
    await mkdir(join(this.dir, "kv"), { recursive: true });
    const file = `kv/part-${String(this.parts.length + 1).padStart(4, "0")}.json`;
    this.out = createWriteStream(join(this.dir, file));
    // Reported by finish() (parts close in the background, so nobody awaits the stream itself).
    this.out.on("error", (err) => (this.failure ??= err));
    this.hash = createHash("sha256");
    this.pairs = 0;
    this.partBytes = 0;
    this.parts.push({ file, pairs: 0, bytes: 0, sha256: "" });
    this.append("[");
  }

  private async closePart(): Promise<void> {
    this.append("\n]\n");
    await this.flush();
    const out = this.out!;
    const part = this.parts[this.parts.length - 1];
    part.pairs = this.pairs;
    part.bytes = this.partBytes;
    part.sha256 = this.hash!.digest("hex");
    this.out = undefined;
    // The file finishes writing in the background while the next part fills.
    this.closing.push(new Promise<void>((resolve) => out.end((err?: Error | null) => {
      if (err) this.failure ??= err;
      resolve();
    })));
  }
}
