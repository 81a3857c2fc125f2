// Distinct doubles numbered in order of first appearance, in an open-addressing table of
// typed arrays. A Map boxes every double key it is given (anything outside the small
// integers): at 17 million customers that was tens of millions of short-lived numbers per
// pass, and at 20M rows their collections cost more than the passes themselves.

export class DistinctValues {
  private slots = new Int32Array(1024).fill(-1);
  private values = new Float64Array(512);
  /** How many distinct values so far; their numbers are 0 .. size - 1. */
  size = 0;
  private readonly bits = new Float64Array(1);
  private readonly words = new Int32Array(this.bits.buffer);

  /** The number of `value` (-0 is 0 and NaN is NaN, as for a Map), added if new. */
  add(value: number): number {
    const v = value + 0;
    const slot = this.slotOf(v);
    const found = this.slots[slot];
    if (found >= 0) return found;
    if (this.size === this.values.length) {
      const values = new Float64Array(this.size * 2);
      values.set(this.values);
      this.values = values;
    }
    this.values[this.size] = v;
    this.slots[slot] = this.size;
    if (++this.size * 2 > this.slots.length) this.grow();
    return this.size - 1;
  }

  /** The number of `value`, or -1 if it was never added. */
  find(value: number): number {
    return this.slots[this.slotOf(value + 0)];
  }

  /** The distinct values, by number. */
  list(): Float64Array {
    return this.values.slice(0, this.size);
  }

  private slotOf(v: number): number {
    this.bits[0] = v;
    const mask = this.slots.length - 1;
    let h = Math.imul(this.words[0] ^ Math.imul(this.words[1], 0x9e3779b1 | 0), 0x85ebca6b | 0);
    h ^= h >>> 15;
    let slot = h & mask;
    for (;;) {
      const at = this.slots[slot];
      if (at < 0) return slot;
      const held = this.values[at];
      if (held === v || (Number.isNaN(v) && Number.isNaN(held))) return slot;
      slot = (slot + 1) & mask;
    }
  }

  private grow(): void {
    this.slots = new Int32Array(this.slots.length * 2).fill(-1);
    for (let k = 0; k < this.size; k++) this.slots[this.slotOf(this.values[k])] = k;
  }
}
