// Writes KV pairs as wrangler bulk files (kv/part-0001.json, ...): at most 10,000 pairs
// and under 100 MB each, hashed as written so the manifest can vouch for them.
// Pairs are appended into a large buffer that is hashed and handed to the file in one
// write when full: a build writes a million values, and a write (and an await) per pair
// cost more than producing them. The files bypass the page cache where they can
// (direct-file.ts), so the buffers are block-aligned and a write takes whole blocks.
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { alignedChunk, SequentialFile } from "./direct-file.js";
import type { KvPair } from "./manifest.js";
import {
  MAX_BYTES_PER_PART,
  MAX_PAIRS_PER_PART,
  type ManifestPart,
  type PartHasher,
  partHasher,
} from "./manifest.js";

const CHUNK_BYTES = 8 * 1024 * 1024;
/**
 * Bytes the files may have queued before the writer waits: waiting for each 8 MB chunk
 * made rendering and disk writes take turns; with a bounded queue the writes (libuv's
 * threads) overlap the rendering.
 */
const MAX_PENDING_BYTES = 64 * 1024 * 1024;
/** Chunks are carved from slabs of this many, so few aligned allocations are ever made. */
const CHUNKS_PER_SLAB = 4;
/** Chunk buffers written out and ready for reuse, shared by every writer of this thread. */
const spareChunks: Buffer[] = [];

function takeChunk(): Buffer {
  if (spareChunks.length === 0) {
    const slab = alignedChunk(CHUNK_BYTES * CHUNKS_PER_SLAB);
    for (let k = 0; k < CHUNKS_PER_SLAB; k++)
      spareChunks.push(slab.subarray(k * CHUNK_BYTES, (k + 1) * CHUNK_BYTES));
  }
  return spareChunks.pop()!;
}

export interface PartWriterOptions {
  maxPairs?: number;
  maxBytes?: number;
  /** Bypass the page cache where the file system allows (default true; tests cover both). */
  direct?: boolean;
}

// The bulk file's JSON around each pair, encoded once.
const PART_START = Buffer.from("[");
const PART_END = Buffer.from("\n]\n");
const OPEN_FIRST = Buffer.from('\n{"key":"');
const OPEN_NEXT = Buffer.from(',\n{"key":"');
const MIDDLE = Buffer.from('","value":"');
const CLOSE = Buffer.from('"}');
// The same around a key and value that bring their own quotes (JSON.stringify's).
const OPEN_FIRST_QUOTED = Buffer.from('\n{"key":');
const OPEN_NEXT_QUOTED = Buffer.from(',\n{"key":');
const MIDDLE_QUOTED = Buffer.from(',"value":');
const CLOSE_QUOTED = "}".charCodeAt(0);

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
  private out: SequentialFile | undefined;
  private hash: PartHasher | undefined;
  private pairs = 0;
  /** Bytes of the current part so far, written or waiting in the buffer. */
  private partBytes = 0;
  private buffer: Buffer = takeChunk();
  private used = 0;
  /** Bytes handed to the files and not yet written. */
  private pending = 0;
  private readonly drained: (() => void)[] = [];
  /** Parts being closed in the background; finish() waits for all of them. */
  private readonly closing: Promise<void>[] = [];
  private failure: Error | undefined;
  private readonly maxPairs: number;
  private readonly maxBytes: number;
  private readonly direct: boolean;

  constructor(
    private readonly dir: string,
    options: PartWriterOptions = {},
  ) {
    this.maxPairs = options.maxPairs ?? MAX_PAIRS_PER_PART;
    this.maxBytes = options.maxBytes ?? MAX_BYTES_PER_PART;
    this.direct = options.direct ?? true;
  }

  /**
   * Any pair: the key and value are escaped here, by JSON.stringify, whose quotes are the
   * bulk file's own, so each string is written into the buffer once.
   */
  write(pair: KvPair): Promise<void> {
    const key = JSON.stringify(pair.key);
    const value = JSON.stringify(pair.value);
    const size =
      OPEN_NEXT_QUOTED.length + Buffer.byteLength(key) + MIDDLE_QUOTED.length + Buffer.byteLength(value) + 1;
    const wait = this.room(size);
    if (wait) return wait.then(() => this.write(pair));
    const buffer = this.buffer;
    const before = this.used;
    let o = put(buffer, before, this.pairs === 0 ? OPEN_FIRST_QUOTED : OPEN_NEXT_QUOTED, -1);
    o += buffer.write(key, o, "utf8");
    o = put(buffer, o, MIDDLE_QUOTED, -1);
    o += buffer.write(value, o, "utf8");
    buffer[o++] = CLOSE_QUOTED;
    return this.added(before, o, Buffer.byteLength(pair.value)) ?? Promise.resolve();
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
    const wait = this.room(size);
    if (wait) return wait.then(() => this.writeEscaped(key, head, body, bodyEnd, close, valueBytes));
    const buffer = this.buffer;
    const before = this.used;
    let o = put(buffer, before, this.pairs === 0 ? OPEN_FIRST : OPEN_NEXT, -1);
    for (const piece of key) o = put(buffer, o, piece, -1);
    o = put(buffer, o, MIDDLE, -1);
    o = put(buffer, o, head, -1);
    o = put(buffer, o, body, bodyEnd);
    o = put(buffer, o, close, -1);
    return this.added(before, put(buffer, o, CLOSE, -1), valueBytes);
  }

  /**
   * Makes the current part ready for a pair of `size` bytes: opens one, or closes a full
   * one (the caller then tries again once the promise settles), and makes buffer room.
   */
  private room(size: number): Promise<void> | undefined {
    if (this.out && (this.pairs >= this.maxPairs || this.partBytes + size + PART_END.length > this.maxBytes))
      return this.closePart();
    if (!this.out) return this.openPart();
    this.reserve(size);
    return undefined;
  }

  /** Counts the pair just put into buffer[before..end); flushes a full buffer. */
  private added(before: number, end: number, valueBytes: number): Promise<void> | undefined {
    this.used = end;
    this.partBytes += end - before;
    this.pairs++;
    this.keys++;
    this.bytes += valueBytes;
    return end > CHUNK_BYTES - 1024 * 1024 ? this.flush() : undefined;
  }

  async finish(): Promise<ManifestPart[]> {
    if (this.out) await this.closePart();
    await Promise.allSettled(this.closing);
    this.release();
    if (this.failure) throw this.failure;
    return this.parts;
  }

  /** Closes and deletes every part written so far; the writer is not used after this. */
  async discard(): Promise<void> {
    const out = this.out;
    this.out = undefined;
    if (out) this.closing.push(out.close().catch(() => undefined));
    await Promise.allSettled(this.closing);
    this.release();
    await rm(join(this.dir, "kv"), { recursive: true, force: true });
  }

  private release(): void {
    if (this.buffer.length === CHUNK_BYTES) spareChunks.push(this.buffer);
    this.buffer = Buffer.alloc(0);
  }

  private append(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.used = put(this.buffer, this.used, bytes, -1);
    this.partBytes += bytes.length;
  }

  private reserve(bytes: number): void {
    if (this.used + bytes <= this.buffer.length) return;
    // One value larger than a chunk (a search bucket, say): a one-off buffer, aligned too.
    const bigger = alignedChunk(Math.max(this.buffer.length * 2, this.used + bytes));
    this.buffer.copy(bigger, 0, 0, this.used);
    if (this.buffer.length === CHUNK_BYTES) spareChunks.push(this.buffer);
    this.buffer = bigger;
  }

  /**
   * Hands the buffer's bytes to the file: all of them when `last` (the part is done),
   * otherwise what the file takes now (whole blocks when direct; the rest moves to the
   * front of the next buffer).
   */
  private flush(last = false): Promise<void> | undefined {
    const out = this.out!;
    const length = last ? this.used : out.writable(this.used);
    if (length === 0 && !last) return undefined;
    const full = this.buffer;
    this.buffer = takeChunk();
    this.used -= length;
    if (this.used > 0) full.copy(this.buffer, 0, length, length + this.used);
    this.hash!.update(full.subarray(0, length));
    this.fileBytes += length;
    this.pending += length;
    out.write(full, length, last).then(
      () => this.written(full, length),
      (err: Error) => {
        this.failure ??= err;
        this.written(full, length);
      },
    );
    return this.pending > MAX_PENDING_BYTES
      ? new Promise((resolve) => this.drained.push(resolve))
      : undefined;
  }

  private written(buffer: Buffer, length: number): void {
    // Buffers come back once written: a fresh 8 MB buffer per chunk (hundreds per build) made
    // the garbage collector run for the external memory alone.
    if (buffer.length === CHUNK_BYTES) spareChunks.push(buffer);
    this.pending -= length;
    if (this.pending <= MAX_PENDING_BYTES) for (const resolve of this.drained.splice(0)) resolve();
  }

  private async openPart(): Promise<void> {
    await mkdir(join(this.dir, "kv"), { recursive: true });
    const file = `kv/part-${String(this.parts.length + 1).padStart(4, "0")}.json`;
    this.out = await SequentialFile.create(join(this.dir, file), this.direct);
    this.hash = await partHasher();
    this.pairs = 0;
    this.partBytes = 0;
    this.parts.push({ file, pairs: 0, bytes: 0, xxh128: "" });
    this.append(PART_START);
  }

  private async closePart(): Promise<void> {
    this.append(PART_END);
    const part = this.parts[this.parts.length - 1];
    part.pairs = this.pairs;
    part.bytes = this.partBytes;
    await this.flush(true);
    part.xxh128 = this.hash!.digest("hex");
    const out = this.out!;
    this.out = undefined;
    // The file finishes writing in the background while the next part fills.
    this.closing.push(out.close().catch((err: Error) => void (this.failure ??= err)));
  }
}
