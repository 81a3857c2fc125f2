// Exact-duplicate detection over the column store: an open-addressing hash table of
// row indices (Int32Array), so millions of rows cost 4 bytes a slot, not a string each.

export class DuplicateIndex {
  private table: Int32Array;
  private used = 0;
  constructor(
    private readonly customer: () => Int32Array,
    private readonly product: () => Int32Array,
    private readonly event: () => Uint8Array,
    private readonly time: () => Float64Array,
    capacity = 1 << 17,
  ) {
    this.table = new Int32Array(capacity).fill(-1);
  }

  private static hash(c: number, p: number, e: number, t: number): number {
    let h = Math.imul(c ^ 0x9e3779b9, 0x85ebca6b);
    h = Math.imul(h ^ p ^ (h >>> 13), 0xc2b2ae35);
    h = Math.imul(h ^ e ^ (h >>> 16), 0x27d4eb2f);
    const lo = (t % 4294967296) | 0;
    const hi = (t / 4294967296) | 0;
    h = Math.imul(h ^ lo ^ (h >>> 15), 0x165667b1);
    h = Math.imul(h ^ hi ^ (h >>> 13), 0x9e3779b1);
    return (h ^ (h >>> 16)) >>> 0;
  }

  /**
   * Registers row `row` (already written to the columns) unless an equal row exists.
   * Returns true when the row is a duplicate.
   */
  addOrFindDuplicate(row: number, c: number, p: number, e: number, t: number): boolean {
    if ((this.used + 1) * 2 > this.table.length) this.grow();
    const cs = this.customer();
    const ps = this.product();
    const es = this.event();
    const ts = this.time();
    const mask = this.table.length - 1;
    let slot = DuplicateIndex.hash(c, p, e, t) & mask;
    for (;;) {
      const other = this.table[slot];
      if (other === -1) {
        this.table[slot] = row;
        this.used++;
        return false;
      }
      if (cs[other] === c && ps[other] === p && es[other] === e && ts[other] === t) return true;
      slot = (slot + 1) & mask;
    }
  }

  private grow(): void {
    const old = this.table;
    this.table = new Int32Array(old.length * 2).fill(-1);
    const mask = this.table.length - 1;
    const cs = this.customer();
    const ps = this.product();
    const es = this.event();
    const ts = this.time();
    for (const row of old) {
      if (row === -1) continue;
      let slot = DuplicateIndex.hash(cs[row], ps[row], es[row], ts[row]) & mask;
      while (this.table[slot] !== -1) slot = (slot + 1) & mask;
      this.table[slot] = row;
    }
  }
}
