// Sorting millions of customers by numbers, best first. A comparator sort calls back into
// JavaScript n·log n times (36 million calls for 1.7 million customers, most of a second);
// a radix sort on the numbers' bits does a few linear passes instead, and the comparator
// is left to order the (short) runs equal on every number. Most customers share their
// engagement score with many others (one visit, one product), so the score alone left runs
// of millions to the comparator: the later activity that breaks those ties is a key too.
// Later keys are sorted only within runs equal on the earlier ones (most significant key
// first): a radix pass over every item per digit of every key cost twice as much at 17M
// customers, where most scores are distinct and the later keys decide little.

const DIGIT_BITS = 16;
const BUCKETS = 1 << DIGIT_BITS;
/** Runs up to this long are sorted in place by insertion; longer ones by a library sort or recursively. */
const SHORT_RUN = 48;
/** Runs longer than this go through a radix sort of their own on the next key. */
const LONG_RUN = 4096;

/**
 * Sorts `items` in place by keys[0][item] descending, then keys[1][item] descending, and so
 * on, then by `tie` (a comparator) among items equal on every key, or in their input order
 * without one: the order `items.sort((a, b) => keys[0][b] - keys[0][a] || … || tie(a, b))`
 * gives, for keys that are not NaN. Returns `items`.
 */
export function sortByKeysDescending(
  items: Int32Array,
  keys: ArrayLike<number>[],
  tie?: (a: number, b: number) => number,
): Int32Array {
  const n = items.length;
  if (n < 2) return items;
  if (keys.length === 0) return tie ? items.sort(tie) : items;
  const [key, ...rest] = keys;
  // The key's bits as two 32-bit words (most significant first), transformed so that
  // unsigned order is descending numeric order: the usual sign flip for doubles, then every
  // bit inverted.
  const bits = new Float64Array(1);
  const halves = new Uint32Array(bits.buffer);
  let hi = new Uint32Array(n);
  let lo = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    bits[0] = key[items[i]] + 0; // -0 becomes 0, as the comparator sees them equal
    const negative = halves[1] >>> 31 === 1;
    hi[i] = negative ? halves[1] : ~(halves[1] ^ 0x80000000) >>> 0;
    lo[i] = negative ? halves[0] : ~halves[0] >>> 0;
  }
  let order = items.slice();
  let nextOrder = new Int32Array(n);
  let nextHi = new Uint32Array(n);
  let nextLo = new Uint32Array(n);
  const count = new Int32Array(BUCKETS);
  // Least significant digit first; each pass is stable, so earlier digits stay in order.
  // Both words come along in every pass, so that runs of equal keys are found in the sorted
  // words themselves rather than by reading the key at random.
  for (let word = 1; word >= 0; word--) {
    for (let shift = 0; shift < 32; shift += DIGIT_BITS) {
      const source = word === 1 ? lo : hi;
      count.fill(0);
      for (let i = 0; i < n; i++) count[(source[i] >>> shift) & (BUCKETS - 1)]++;
      // A digit every key shares (the top bits of nearby numbers) needs no pass.
      if (count[(source[0] >>> shift) & (BUCKETS - 1)] === n) continue;
      let sum = 0;
      for (let d = 0; d < BUCKETS; d++) {
        const c = count[d];
        count[d] = sum;
        sum += c;
      }
      for (let i = 0; i < n; i++) {
        const at = count[(source[i] >>> shift) & (BUCKETS - 1)]++;
        nextOrder[at] = order[i];
        nextHi[at] = hi[i];
        nextLo[at] = lo[i];
      }
      [order, nextOrder] = [nextOrder, order];
      [hi, nextHi] = [nextHi, hi];
      [lo, nextLo] = [nextLo, lo];
    }
  }
  if (rest.length > 0 || tie) {
    const after = (a: number, b: number): number => {
      for (const k of rest) if (k[a] !== k[b]) return k[b] > k[a] ? 1 : -1;
      return tie ? tie(a, b) : 0;
    };
    for (let i = 0; i < n; ) {
      let j = i + 1;
      while (j < n && hi[j] === hi[i] && lo[j] === lo[i]) j++;
      if (j - i > LONG_RUN && rest.length > 0) sortByKeysDescending(order.subarray(i, j), rest, tie);
      else if (j - i > SHORT_RUN) order.subarray(i, j).sort(after);
      else if (j - i > 1) insertionSort(order, i, j, after);
      i = j;
    }
  }
  items.set(order);
  return items;
}

/**
 * Sorts order[from .. to) in place by `compare`, stably. Runs of equal keys are mostly two
 * or three long, and millions of them: a view and a library sort per run allocated enough
 * to keep the young generation collecting (21 s at 17M customers); this allocates nothing.
 */
function insertionSort(
  order: Int32Array,
  from: number,
  to: number,
  compare: (a: number, b: number) => number,
): void {
  for (let i = from + 1; i < to; i++) {
    const item = order[i];
    let j = i - 1;
    while (j >= from && compare(order[j], item) > 0) {
      order[j + 1] = order[j];
      j--;
    }
    order[j + 1] = item;
  }
}
