// Compact, growable column storage: one typed array per field instead of an object
// per row, so millions of rows stay within a few hundred megabytes.

type TypedArray = Int32Array | Uint8Array | Uint16Array | Uint32Array | Float64Array;
type Ctor<T extends TypedArray> = { new (length: number): T };

export class Column<T extends TypedArray> {
  data: T;
  length = 0;
  constructor(
    private readonly ctor: Ctor<T>,
    capacity = 1 << 16,
  ) {
    this.data = new ctor(capacity);
  }
  push(value: number): void {
    if (this.length === this.data.length) {
      const next = new this.ctor(this.data.length * 2);
      next.set(this.data as never);
      this.data = next;
    }
    this.data[this.length++] = value;
  }
  /** A right-sized copy, so the growth slack is freed. */
  finish(): T {
    const out = new this.ctor(this.length);
    out.set(this.data.subarray(0, this.length) as never);
    return out;
  }
}

/**
 * Id string → dense integer index, with the reverse list. Ids that are canonical
 * integers (the usual export) go through an open-addressing table of numbers, which is
 * several times faster and smaller than a Map of strings; any other id uses a Map.
 * "7" and "007" stay different ids: only canonical integers take the numeric path.
 */
export class Dictionary {
  readonly ids: string[] = [];
  private readonly byString = new Map<string, number>();
  private keys = new Float64Array(1 << 16).fill(-1);
  private values = new Int32Array(1 << 16);
  private numericCount = 0;

  intern(id: string): number {
    const n = canonicalInteger(id);
    if (n < 0) {
      let i = this.byString.get(id);
      if (i === undefined) {
        i = this.ids.length;
        this.byString.set(id, i);
        this.ids.push(id);
      }
      return i;
    }
    // Up to 3/4 full: linear probing is still short there, and at millions of ids the
    // table is a large share of the ingest's memory.
    if ((this.numericCount + 1) * 4 > this.keys.length * 3) this.grow();
    const keys = this.keys;
    const mask = keys.length - 1;
    let slot = hashNumber(n) & mask;
    for (;;) {
      const k = keys[slot];
      if (k === n) return this.values[slot];
      if (k === -1) {
        const i = this.ids.length;
        keys[slot] = n;
        this.values[slot] = i;
        this.numericCount++;
        this.ids.push(id);
        return i;
      }
      slot = (slot + 1) & mask;
    }
  }

  get(id: string): number | undefined {
    const n = canonicalInteger(id);
    if (n < 0) return this.byString.get(id);
    const mask = this.keys.length - 1;
    let slot = hashNumber(n) & mask;
    for (;;) {
      const k = this.keys[slot];
      if (k === n) return this.values[slot];
      if (k === -1) return undefined;
      slot = (slot + 1) & mask;
    }
  }

  get size(): number {
    return this.ids.length;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    this.keys = new Float64Array(oldKeys.length * 2).fill(-1);
    this.values = new Int32Array(oldKeys.length * 2);
    const mask = this.keys.length - 1;
    for (let i = 0; i < oldKeys.length; i++) {
      const k = oldKeys[i];
      if (k === -1) continue;
      let slot = hashNumber(k) & mask;
      while (this.keys[slot] !== -1) slot = (slot + 1) & mask;
      this.keys[slot] = k;
      this.values[slot] = oldValues[i];
    }
  }
}

/** The value of a canonical non-negative integer of at most 15 digits, else -1. */
function canonicalInteger(id: string): number {
  const len = id.length;
  if (len === 0 || len > 15) return -1;
  let n = 0;
  for (let i = 0; i < len; i++) {
    const d = id.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  if (len > 1 && id.charCodeAt(0) === 48) return -1;
  return n;
}

function hashNumber(n: number): number {
  const lo = n >>> 0;
  const hi = (n / 4294967296) >>> 0;
  let h = Math.imul(lo ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ hi ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
