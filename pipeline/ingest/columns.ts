// Compact, growable column storage: one typed array per field instead of an object
// per row, so millions of rows stay within a few hundred megabytes.

type TypedArray = Int32Array | Uint8Array | Uint16Array | Float64Array;
type Ctor<T extends TypedArray> = { new (length: number): T };

export class Column<T extends TypedArray> {
  data: T;
  length = 0;
  constructor(private readonly ctor: Ctor<T>, capacity = 1 << 16) {
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

/** String → dense integer index, with the reverse list. */
export class Dictionary {
  readonly ids: string[] = [];
  private readonly index = new Map<string, number>();
  intern(id: string): number {
    let i = this.index.get(id);
    if (i === undefined) {
      i = this.ids.length;
      this.index.set(id, i);
      this.ids.push(id);
    }
    return i;
  }
  get(id: string): number | undefined {
    return this.index.get(id);
  }
  get size(): number {
    return this.ids.length;
  }
}
