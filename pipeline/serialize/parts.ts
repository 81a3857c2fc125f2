// Writes KV pairs as wrangler bulk files (kv/part-0001.json, ...): at most 10,000 pairs
// and under 100 MB each, hashed as written so the manifest can vouch for them.
// Pairs are appended into a large buffer that is hashed and handed to the file in one
// write when full: a build writes a million values, and a write (and an await) per pair
// cost more than producing them.
import { createHash, type Hash } from "node:crypto";
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { KvPair } from "./manifest.js";
import { MAX_BYTES_PER_PART, MAX_PAIRS_PER_PART, type ManifestPart } from "./manifest.js";

const CHUNK_BYTES = 8 * 1024 * 1024;
/**
 * Bytes a part file may have queued before the writer waits. A stream reports "full" past
 * 16 KB, and waiting for each 8 MB chunk to drain made rendering and disk writes take
 * turns; with a bounded queue the file system writes (libuv's threads) overlap the rendering.
 */
const MAX_PENDING_BYTES = 64 * 1024 * 1024;

// The bulk file's JSON around each pair, encoded once.
const PART_START = Buffer.from("[");
const PART_END = Buffer.from("\n]\n");
const OPEN_FIRST = Buffer.from('\n{"key":"');
const OPEN_NEXT = Buffer.from(',\n{"key":"');
const MIDDLE = Buffer.from('","value":"');
const CLOSE = Buffer.from('"}');
const EMPTY = new Uint8Array(0);

/**
 * Copies from[0..length) (length -1: all of it) into `to` at `at`; returns the end. Short
 * pieces (keys, separators) are copied in a loop: a native set() costs more per call than
 * copying a few dozen bytes, and a pair has eight pieces.
 */
function put(to: Uint8Array, at: number, from: Uint8Array, length: number): number {
  const n = length < 0 ? from.length : length;
  if (n > 64) to.set(n === from.length ? from : from.subarray(0, n), at);
  else for (let i = 0; i < n; i++) to[at + i] = from[i];
  return at + n;
}

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

  /** Any pair: the key and value are escaped here. */
  write(pair: KvPair): Promise<void> {
    const key = Buffer.from(JSON.stringify(pair.key).slice(1, -1));
    const value = Buffer.from(JSON.stringify(pair.value).slice(1, -1));
    return (
      this.writeEscaped([key], EMPTY, value, value.length, EMPTY, Buffer.byteLength(pair.value)) ??
      Promise.resolve()
    );
  }

  /**
   * A pair whose key and value are already escaped for a JSON string, as bytes (see
   * Renderer): the key is `key` concatenated, the value `head + body[0..bodyEnd) + close`,
   * passed in pieces so a product's pieces (shared by its five variants) are encoded once
   * and copied straight into the buffer. `valueBytes` is the value's served size. Returns a
   * promise only when the caller must wait (a part was closed or the file is behind), so
   * the hot loop rarely awaits.
   */
  writeEscaped(
    key: readonly Uint8Array[],
    head: Uint8Array,
    body: Uint8Array,
    bodyEnd: number,
    close: Uint8Array,
    valueBytes: number,
  ): Promise<void> | undefined {
    let keyBytes = 0;
    for (const piece of key) keyBytes += piece.length;
    const size =
      OPEN_NEXT.length + keyBytes + MIDDLE.length + head.length + bodyEnd + close.length + CLOSE.length;
    if (
      this.out &&
      (this.pairs >= this.maxPairs || this.partBytes + this.used + size + PART_END.length > this.maxBytes)
    ) {
      return this.closePart().then(() => this.writeEscaped(key, head, body, bodyEnd, close, valueBytes));
    }
    if (!this.out)
      return this.openPart().then(() => this.writeEscaped(key, head, body, bodyEnd, close, valueBytes));
    this.reserve(size);
    const buffer = this.buffer;
    let o = put(buffer, this.used, this.pairs === 0 ? OPEN_FIRST : OPEN_NEXT, -1);
    for (const piece of key) o = put(buffer, o, piece, -1);
    o = put(buffer, o, MIDDLE, -1);
    o = put(buffer, o, head, -1);
    o = put(buffer, o, body, bodyEnd);
    o = put(buffer, o, close, -1);
    this.used = put(buffer, o, CLOSE, -1);
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

  /** Closes and deletes every part written so far; the writer is not used after this. */
  async discard(): Promise<void> {
    const out = this.out;
    this.out = undefined;
    if (out) this.closing.push(new Promise<void>((resolve) => out.end(() => resolve())));
    await Promise.allSettled(this.closing);
    await rm(join(this.dir, "kv"), { recursive: true, force: true });
  }

  private append(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.used = put(this.buffer, this.used, bytes, -1);
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
    return out.writableLength > MAX_PENDING_BYTES
      ? new Promise((resolve) => out.once("drain", () => resolve()))
      : undefined;
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
    this.append(PART_START);
  }

  private async closePart(): Promise<void> {
    this.append(PART_END);
    await this.flush();
    const out = this.out!;
    const part = this.parts[this.parts.length - 1];
    part.pairs = this.pairs;
    part.bytes = this.partBytes;
    part.sha256 = this.hash!.digest("hex");
    this.out = undefined;
    // The file finishes writing in the background while the next part fills.
    this.closing.push(
      new Promise<void>((resolve) =>
        out.end((err?: Error | null) => {
          if (err) this.failure ??= err;
          resolve();
        }),
      ),
    );
  }
}
