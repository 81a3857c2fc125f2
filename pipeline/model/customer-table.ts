// The per-customer fields the per-product ranking loop reads together, one 64-byte record
// (a cache line) per customer in one Float64Array. The loop visits a few hundred customers
// per product, scattered over hundreds of thousands: as separate arrays (affinity scratch,
// exclusion marks, scores, tie order, ...) each visit cost one cache miss per array, and
// those misses were most of the ranking time.
//
// Record of customer c, at table[c * 8 + field]:
//   0 TOUCHED     affinity scratch: the collect round that last touched the customer
//   1 CO          affinity scratch: co-interaction affinity for the current product
//   2 NAMES       affinity scratch: name-token affinity for the current product
//   3 FILL_SCORE  (1 − blend) · engagement: the score of a customer without affinity
//   4 TIE_RANK    position in the tie order (latest activity, then id)
//   5 MARK        the product round that excluded the customer (+round) or made it a candidate (−round)
//   6 EXPOSURE    top-10 audiences the customer sits in (exposure cap); Infinity when suppressed
//   7 FILL_KEY    the sort key of FILL_SCORE (see ProductRanker)
//
// The hot loops (rank.ts, affinity.ts) spell the offsets as literals with the field's name
// in a comment: imported constants cost a module-binding load and hole check per access,
// which made the ranking slower than the separate arrays were.
export const RECORD = 8;

export function customerTable(customers: number): Float64Array {
  return new Float64Array(customers * RECORD);
}
