// Each product's name as of its latest interaction (the name a marketer sees). Rows carry
// a name id while reading, so rows dropped later (bots) take their names with them; the
// latest row with a non-empty name wins, a later row on a tie.

export class RowNames {
  private readonly ids = new Map<string, number>();
  readonly names: string[] = [];
  /** Per row: its name id, -1 without a name. */
  row = new Int32Array(1 << 16);

  /** Records the name of row `r` (rows arrive in order; a popped row is simply overwritten). */
  set(r: number, name: string | undefined): void {
    if (r >= this.row.length) {
      const bigger = new Int32Array(Math.max(this.row.length * 2, r + 1));
      bigger.set(this.row);
      this.row = bigger;
    }
    if (!name) {
      this.row[r] = -1;
      return;
    }
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.ids.set(name, id);
      this.names.push(name);
    }
    this.row[r] = id;
  }

  /** Per product (0..products-1) of the kept rows: its latest name, or null. */
  latest(product: Int32Array, time: Float64Array, count: number, products: number): (string | null)[] {
    const best = new Int32Array(products).fill(-1);
    const bestTime = new Float64Array(products).fill(-Infinity);
    for (let r = 0; r < count; r++) {
      const id = this.row[r];
      if (id < 0) continue;
      const p = product[r];
      if (time[r] >= bestTime[p]) {
        bestTime[p] = time[r];
        best[p] = id;
      }
    }
    return Array.from(best, (id) => (id < 0 ? null : this.names[id]));
  }
}
