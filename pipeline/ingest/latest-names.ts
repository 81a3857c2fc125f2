// Each product's name as of its latest interaction (the name a marketer sees), and its first
// name (the model's). Rows carry a name id while reading, so rows dropped later (bots) take
// their names with them; the latest row with a non-empty name wins, a later row on a tie.

export class RowNames {
  /** The names products were renamed to, each once, so a product whose name flips keeps two strings, not one per row. */
  private readonly renamed = new Map<string, number>();
  /** Per name id its name; one string may have several ids (it is only ever read back). */
  readonly names: string[] = [];
  /** Per row: its name id, -1 without a name. */
  row = new Int32Array(1 << 16);
  /**
   * Per product p: at 2p the name id of its last named row so far, at 2p + 1 that of its
   * first (both -1 before it), side by side so a row costs one cache miss here, not two.
   */
  private named = new Int32Array(1 << 14).fill(-1);

  /**
   * Records the name of row `r` of product `p` (rows arrive in order; a popped row is simply
   * overwritten). A product's rows nearly always repeat its previous name, and comparing with
   * that one string is several times cheaper than hashing every name into a map.
   */
  set(r: number, p: number, name: string | undefined): void {
    if (r >= this.row.length) {
      const bigger = new Int32Array(Math.max(this.row.length * 2, r + 1));
      bigger.set(this.row);
      this.row = bigger;
    }
    if (!name) {
      this.row[r] = -1;
      return;
    }
    if (2 * p + 1 >= this.named.length) {
      const bigger = new Int32Array(Math.max(this.named.length * 2, 2 * p + 2)).fill(-1);
      bigger.set(this.named);
      this.named = bigger;
    }
    const last = this.named[2 * p];
    let id: number;
    if (last < 0) {
      id = this.names.push(name) - 1;
      this.named[2 * p + 1] = id;
    } else if (this.names[last] === name) {
      id = last;
    } else {
      const known = this.renamed.get(name);
      if (known === undefined) {
        id = this.names.push(name) - 1;
        this.renamed.set(name, id);
      } else id = known;
    }
    this.named[2 * p] = id;
    this.row[r] = id;
  }

  /** Per product (0..products-1, as numbered while reading): its first non-empty name, or "". */
  first(products: number): string[] {
    const out = new Array<string>(products);
    for (let p = 0; p < products; p++) {
      const id = 2 * p + 1 < this.named.length ? this.named[2 * p + 1] : -1;
      out[p] = id < 0 ? "" : this.names[id];
    }
    return out;
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
