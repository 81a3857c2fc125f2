// Pairs made early and written late: the serialize thread builds the search index while the
// build's main thread prepares the ranking (the two overlap), but the index's values go into
// the bulk files last. Held in memory in between, they grew with the catalogue (178 MB at 1M
// rows, through the whole product loop); set aside here, escaped for the bulk file already,
// they are copied into the parts at finish with no parsing.
import { closeSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import type { KvPair } from "./manifest.js";

/** Per pair: key bytes, value bytes (both escaped), the value's served bytes. */
const HEADER = 12;

export interface SpooledPair {
  /** Key and value escaped for a JSON string, as PartWriter.writeEscaped takes them. */
  key: Buffer;
  value: Buffer;
  /** The value's size as served (unescaped). */
  valueBytes: number;
}

export class PairSpool {
  private fd: number | undefined;
  private bytes = 0;

  constructor(private readonly file: string) {}

  add(pair: KvPair): void {
    this.fd ??= openSync(this.file, "w");
    const key = Buffer.from(JSON.stringify(pair.key).slice(1, -1));
    const value = Buffer.from(JSON.stringify(pair.value).slice(1, -1));
    const header = Buffer.alloc(HEADER);
    header.writeUInt32LE(key.length, 0);
    header.writeUInt32LE(value.length, 4);
    header.writeUInt32LE(Buffer.byteLength(pair.value), 8);
    for (const piece of [header, key, value]) {
      writeSync(this.fd, piece);
      this.bytes += piece.length;
    }
  }

  /** The pairs in the order added, then the file is removed. */
  *drain(): Generator<SpooledPair> {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
    const fd = openSync(this.file, "r");
    try {
      const header = Buffer.alloc(HEADER);
      for (let at = 0; at < this.bytes; ) {
        readFully(fd, header, at);
        const key = Buffer.alloc(header.readUInt32LE(0));
        const value = Buffer.alloc(header.readUInt32LE(4));
        readFully(fd, key, at + HEADER);
        readFully(fd, value, at + HEADER + key.length);
        at += HEADER + key.length + value.length;
        yield { key, value, valueBytes: header.readUInt32LE(8) };
      }
    } finally {
      closeSync(fd);
      rmSync(this.file, { force: true });
    }
  }
}

function readFully(fd: number, into: Buffer, position: number): void {
  for (let done = 0; done < into.length; ) {
    const n = readSync(fd, into, done, into.length - done, position + done);
    if (n === 0) throw new Error(`spool ended early at byte ${position + done}`);
    done += n;
  }
}
