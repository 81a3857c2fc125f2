// Tie-breaking by id: numeric ids compare as numbers (so 9 comes before 10), anything
// else as plain strings, so the order is stable and explainable for either id type.

const DIGITS = /^\d+$/;

export function compareIds(a: string, b: string): number {
  if (DIGITS.test(a) && DIGITS.test(b) && a.length !== b.length) {
    // Canonical integers (no leading zeros) order by length first; leading zeros fall through.
    if (a[0] !== "0" && b[0] !== "0") return a.length - b.length;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}
