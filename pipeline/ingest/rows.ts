// The kept rows while reading: one typed array per field, grown together. Written
// field by field (not through a generic column class) so every store stays
// monomorphic for V8: this is the innermost loop of the ingest.

export class RowStore {
  length = 0;
  customer: Int32Array;
  product: Int32Array;
  event: Uint8Array;
  /** Epoch milliseconds, UTC. */
  time: Float64Array;
  /** Where the row came from (input file, byte offset, byte length), so a row rejected
   * after the stream (bot) can still be copied into rejected.csv as read. */
  file: Uint16Array;
  start: Float64Array;
  bytes: Uint32Array;

  constructor(capacity = 1 << 16) {
    this.customer = new Int32Array(capacity);
    this.product = new Int32Array(capacity);
    this.event = new Uint8Array(capacity);
    this.time = new Float64Array(capacity);
    this.file = new Uint16Array(capacity);
    this.start = new Float64Array(capacity);
    this.bytes = new Uint32Array(capacity);
  }

  /** Appends a row and returns its index. */
  push(c: number, p: number, e: number, t: number, file: number, start: number, bytes: number): number {
    if (this.length === this.customer.length) this.grow();
    const r = this.length++;
    this.customer[r] = c;
    this.product[r] = p;
    this.event[r] = e;
    this.time[r] = t;
    this.file[r] = file;
    this.start[r] = start;
    this.bytes[r] = bytes;
    return r;
  }

  /** Drops the last row (it turned out to be a duplicate). */
  pop(): void {
    this.length--;
  }

  private grow(): void {
    const n = this.customer.length * 2;
    this.customer = grown(this.customer, new Int32Array(n));
    this.product = grown(this.product, new Int32Array(n));
    this.event = grown(this.event, new Uint8Array(n));
    this.time = grown(this.time, new Float64Array(n));
    this.file = grown(this.file, new Uint16Array(n));
    this.start = grown(this.start, new Float64Array(n));
    this.bytes = grown(this.bytes, new Uint32Array(n));
  }
}

function grown<T extends { set(a: ArrayLike<number>): void }>(old: ArrayLike<number>, next: T): T {
  next.set(old);
  return next;
}
