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
 * A slot is two doubles, the id's value and its index, side by side: at millions of ids the
 * table is far larger than the cache and a lookup is a cache miss, one instead of two
 * with the keys and indices in separate arrays.
 */
export class Dictionary {
  readonly ids: string[] = [];
  private readonly byString = new Map<string, number>();
  /** [value, index] per slot; value -1 = empty. */
  private slots: Float64Array;
  private numericCount = 0;

  /** `expected`: about how many ids will come (sizes the table so it seldom grows; growing rehashes every id). */
  constructor(expected = 0) {
    let capacity = 1 << 16;
    while (capacity * 3 < expected * 4) capacity *= 2;
    this.slots = new Float64Array(2 * capacity).fill(-1);
  }

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
    if ((this.numericCount + 1) * 8 > this.slots.length * 3) this.grow();
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    let slot = hashNumber(n) & mask;
    for (;;) {
      const k = slots[2 * slot];
      if (k === n) return slots[2 * slot + 1];
      if (k === -1) {
        const i = this.ids.length;
        slots[2 * slot] = n;
        slots[2 * slot + 1] = i;
        this.numericCount++;
        this.ids.push(id);
        return i;
      }
      slot = (slot + 1) & mask;
    }
  }

  /** Whether every id interned so far is a canonical integer (held in the numeric table). */
  get allIntegers(): boolean {
    return this.numericCount === this.ids.length;
  }

  get(id: string): number | undefined {
    const n = canonicalInteger(id);
    if (n < 0) return this.byString.get(id);
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    let slot = hashNumber(n) & mask;
    for (;;) {
      const k = slots[2 * slot];
      if (k === n) return slots[2 * slot + 1];
      if (k === -1) return undefined;
      slot = (slot + 1) & mask;
    }
  }

  get size(): number {
    return this.ids.length;
  }

  private grow(): void {
    const old = this.slots;
    const slots = (this.slots = new Float64Array(2 * old.length).fill(-1));
    const mask = (slots.length >> 1) - 1;
    for (let i = 0; i < old.length; i += 2) {
      const k = old[i];
      if (k === -1) continue;
      let slot = hashNumber(k) & mask;
      while (slots[2 * slot] !== -1) slot = (slot + 1) & mask;
      slots[2 * slot] = k;
      slots[2 * slot + 1] = old[i + 1];
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
