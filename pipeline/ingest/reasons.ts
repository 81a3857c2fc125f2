// The ingest accounting: every row read is kept or rejected for exactly one reason.

export const REJECT_REASONS = [
  "malformed_row",
  "missing_customer_id",
  "missing_product_id",
  "missing_event",
  "unknown_event",
  "invalid_date",
  "invalid_id",
  "duplicate",
  "bot",
] as const;

export type RejectReason = (typeof REJECT_REASONS)[number];

export interface Accounting {
  rows_read: number;
  rows_kept: number;
  rejected: Record<RejectReason, number>;
}

export function emptyAccounting(): Accounting {
  const rejected = Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as Record<RejectReason, number>;
  return { rows_read: 0, rows_kept: 0, rejected };
}

export function totalRejected(a: Accounting): number {
  return REJECT_REASONS.reduce((sum, r) => sum + a.rejected[r], 0);
}

/** The identity the whole pipeline promises; a violation is a bug, not bad input. */
export function assertBalanced(a: Accounting): void {
  const rejected = totalRejected(a);
  if (a.rows_read !== a.rows_kept + rejected) {
    throw new Error(
      `ingest accounting broken: read ${a.rows_read} != kept ${a.rows_kept} + rejected ${rejected}`,
    );
  }
}
