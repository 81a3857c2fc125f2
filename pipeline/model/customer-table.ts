// The per-customer fields the per-product ranking loop reads together, in one 32-byte
// record per customer (two to a cache line). The loop visits a few hundred customers per
// product, scattered over hundreds of thousands: as separate arrays (affinity scratch,
// exclusion marks, scores, tie order, ...) each visit cost one cache miss per array, and
// those misses were most of the ranking time; a record of only the fields a visit reads
// keeps twice as many customers' records in each level of cache as a 64-byte one.
//
// Record of customer c, as doubles at f64[c * 4 + field] and as 32-bit integers at
// i32[c * 8 + field] (the same bytes):
//   f64 0 CO          affinity scratch: co-interaction affinity for the current product
//   f64 1 NAMES       affinity scratch: name-token affinity for the current product
//   f64 2 FILL_SCORE  (1 − blend) · engagement: the score of a customer without affinity
//   i32 6 STATE       4 · round + EXCLUDED (1) + TOUCHED (2), for the product round that set
//                     them: excluded from its audience (an interaction, or the cap's
//                     assignment), touched by its affinity (CO and NAMES are this round's)
//   i32 7 TIE_RANK    position in the tie order (latest activity, then id); −1 − position
//                     while the customer is out of every audience (suppressed, or at the cap)
//
// Rounds are counted per ranked audience, so STATE holds 2^29 of them (over 500 million).
// The hot loops (rank.ts, affinity.ts) spell the offsets as literals with the field's name
// in a comment: imported constants cost a module-binding load and hole check per access,
// which made the ranking slower than the separate arrays were.
export const RECORD_BYTES = 32;

export interface CustomerTable {
  f64: Float64Array;
  i32: Int32Array;
}

export function customerTable(customers: number): CustomerTable {
  const buffer = new ArrayBuffer(customers * RECORD_BYTES);
  return { f64: new Float64Array(buffer), i32: new Int32Array(buffer) };
}
