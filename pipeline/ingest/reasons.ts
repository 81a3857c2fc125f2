// The ingest accounting: every row read is kept or rejected for exactly one reason.

/** Reasons always listed in `rejected`, zero or not. */
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

/**
 * Reasons listed in `rejected` only once a row was rejected for them: a log without such
 * rows keeps exactly the accounting (and so the build's meta and bulk files) it has
 * without the check.
 */
export const WHEN_SEEN_REASONS = ["implausible_date"] as const;

/** Every reason, in the order rejected.csv codes them. */
export const ALL_REASONS = [...REJECT_REASONS, ...WHEN_SEEN_REASONS] as const;

export type ListedReason = (typeof REJECT_REASONS)[number];
export type WhenSeenReason = (typeof WHEN_SEEN_REASONS)[number];
export type RejectReason = ListedReason | WhenSeenReason;

export interface Accounting {
  rows_read: number;
  rows_kept: number;
  rejected: Record<ListedReason, number> & Partial<Record<WhenSeenReason, number>>;
}

export function emptyAccounting(): Accounting {
  const rejected = Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as Record<ListedReason, number>;
  return { rows_read: 0, rows_kept: 0, rejected };
}

export function countRejected(a: Accounting, reason: RejectReason): void {
  a.rejected[reason] = (a.rejected[reason] ?? 0) + 1;
}

/** The reasons `a` lists: every always-listed one, then those seen. */
export function listedReasons(a: Accounting): RejectReason[] {
  return ALL_REASONS.filter((r) => a.rejected[r] !== undefined);
}

export function totalRejected(a: Accounting): number {
  return ALL_REASONS.reduce((sum, r) => sum + (a.rejected[r] ?? 0), 0);
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
