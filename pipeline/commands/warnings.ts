// Warnings a command prints on stderr after the ingest, whatever --quiet says: they are
// about the input, not progress.
import { type DateWindow, formatBound } from "../ingest/dates.js";
import type { Accounting } from "../ingest/reasons.js";
import { formatCount } from "../progress.js";

/** One line when rows were rejected as implausible_date, else undefined. */
export function implausibleDateWarning(
  a: Accounting,
  window: DateWindow | undefined,
  rejectedPath?: string,
): string | undefined {
  const n = a.rejected.implausible_date ?? 0;
  if (n === 0) return undefined;
  const range = window ? ` outside ${formatBound(window.min)} .. ${formatBound(window.max)}` : "";
  const where = rejectedPath ? `they are in ${rejectedPath}; ` : "";
  return (
    `audience: warning: ${formatCount(n)} row(s) dated${range} rejected as implausible_date ` +
    `(${where}config plausibleDates sets the window)`
  );
}

export function warnImplausibleDates(a: Accounting, window: DateWindow | undefined, rejectedPath?: string) {
  const line = implausibleDateWarning(a, window, rejectedPath);
  if (line) process.stderr.write(`${line}\n`);
}
