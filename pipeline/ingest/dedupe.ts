// Exact-duplicate detection over the column store: an open-addressing hash table of row
// indices, so millions of rows cost 8 bytes a slot, not a string each. Each slot keeps the
// row's hash next to its index: at millions of rows the table and the columns are far larger
// than the cache, and comparing hashes first spares the four column reads (a cache miss
// each) for every other row met on the way.

export class DuplicateIndex {
  /** [row, hash] per slot; row -1 = empty. */
  private table: Int32Array;
  private used = 0;
  constructor(
    private readonly customer: () => Int32Array,
    private readonly product: () => Int32Array,
    private readonly event: () => Uint8Array,
    private readonly time: () => Float64Array,
    capacity = 1 << 17,
  ) {
    this.table = new Int32Array(2 * capacity).fill(-1);
  }

  private static hash(c: number, p: number, e: number, t: number): number {
    let h = Math.imul(c ^ 0x9e3779b9, 0x85ebca6b);
    h = Math.imul(h ^ p ^ (h >>> 13), 0xc2b2ae35);
    h = Math.imul(h ^ e ^ (h >>> 16), 0x27d4eb2f);
    const lo = (t % 4294967296) | 0;
    const hi = (t / 4294967296) | 0;
    h = Math.imul(h ^ lo ^ (h >>> 15), 0x165667b1);
    h = Math.imul(h ^ hi ^ (h >>> 13), 0x9e3779b1);
    return h ^ (h >>> 16);
  }

  /**
   * Registers row `row` (already written to the columns) unless an equal row exists.
   * Returns true when the row is a duplicate.
   */
  addOrFindDuplicate(row: number, c: number, p: number, e: number, t: number): boolean {
    // Up to 3/4 full: a probe past a slot compares its hash, which sits in the cache line
    // already read, so longer probe runs cost little, and the table stays 8 bytes a row.
    if ((this.used + 1) * 8 > this.table.length * 3) this.grow();
    const table = this.table;
    const mask = (table.length >> 1) - 1;
    const h = DuplicateIndex.hash(c, p, e, t);
    let slot = h & mask;
    for (;;) {
      const other = table[2 * slot];
      if (other === -1) {
        table[2 * slot] = row;
        table[2 * slot + 1] = h;
        this.used++;
        return false;
      }
      if (
        table[2 * slot + 1] === h &&
        this.customer()[other] === c &&
        this.product()[other] === p &&
        this.event()[other] === e &&
        this.time()[other] === t
      )
        return true;
      slot = (slot + 1) & mask;
    }
  }

  private grow(): void {
    const old = this.table;
    const table = (this.table = new Int32Array(2 * old.length).fill(-1));
    const mask = (table.length >> 1) - 1;
    for (let i = 0; i < old.length; i += 2) {
      if (old[i] === -1) continue;
      const h = old[i + 1];
      let slot = h & mask;
      while (table[2 * slot] !== -1) slot = (slot + 1) & mask;
      table[2 * slot] = old[i];
      table[2 * slot + 1] = h;
    }
  }
}
