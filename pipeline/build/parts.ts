// Writes KV pairs as wrangler bulk files (kv/part-0001.json, ...): at most 10,000 pairs
// and under 100 MB each, hashed as written so the manifest can vouch for them.
import { createHash, type Hash } from "node:crypto";
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { KvPair } from "./serialize.js";
import { MAX_BYTES_PER_PART, MAX_PAIRS_PER_PART, type ManifestPart } from "./manifest.js";

export class PartWriter {
  readonly parts: ManifestPart[] = [];
  keys = 0;
  bytes = 0;
  private out: WriteStream | undefined;
  private hash: Hash | undefined;
  private pairs = 0;
  private partBytes = 0;

  constructor(
    private readonly dir: string,
    private readonly maxPairs = MAX_PAIRS_PER_PART,
    private readonly maxBytes = MAX_BYTES_PER_PART,
  ) {}

  async write(pair: KvPair): Promise<void> {
    const text = JSON.stringify(pair);
    const size = Buffer.byteLength(text) + 2;
    if (this.out && (this.pairs >= this.maxPairs || this.partBytes + size + 2 > this.maxBytes)) await this.closePart();
    if (!this.out) await this.openPart();
    await this.emit((this.pairs === 0 ? "\n" : ",\n") + text);
    this.pairs++;
    this.keys++;
    this.bytes += Buffer.byteLength(pair.value);
  }

  async finish(): Promise<ManifestPart[]> {
    if (this.out) await this.closePart();
    return this.parts;
  }

  private async openPart(): Promise<void> {
    await mkdir(join(this.dir, "kv"), { recursive: true });
    const file = `kv/part-${String(this.parts.length + 1).padStart(4, "0")}.json`;
    this.out = createWriteStream(join(this.dir, file));
    this.hash = createHash("sha256");
    this.pairs = 0;
    this.partBytes = 0;
    this.parts.push({ file, pairs: 0, bytes: 0, sha256: "" });
    await this.emit("[");
  }

  private async closePart(): Promise<void> {
    await this.emit("\n]\n");
    const out = this.out!;
    const part = this.parts[this.parts.length - 1];
    part.pairs = this.pairs;
    part.bytes = this.partBytes;
    part.sha256 = this.hash!.digest("hex");
    this.out = undefined;
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }

  private emit(text: string): Promise<void> {
    const buf = Buffer.from(text);
    this.hash!.update(buf);
    this.partBytes += buf.length;
    return this.out!.write(buf) ? Promise.resolve() : new Promise((resolve) => this.out!.once("drain", () => resolve()));
  }
}
