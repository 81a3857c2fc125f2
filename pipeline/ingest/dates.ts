// Event dates: ISO 8601 with `T` or a space, optional seconds and fraction, `Z`,
// an offset, or no zone (UTC). Returns epoch milliseconds, or NaN when unusable.

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(year: number, month: number): number {
  if (month === 2 && ((year % 4 === 0 && year % 100 !== 0) || year % 400 === 0)) return 29;
  return DAYS_IN_MONTH[month - 1];
}

/** `YYYY-MM-DD HH:MM:SS` or with `T`: the shape of nearly every exported row. */
function fastPath(t: string): number {
  const sep = t.charCodeAt(10);
  if (t.charCodeAt(4) !== 45 || t.charCodeAt(7) !== 45 || (sep !== 32 && sep !== 84)) return NaN;
  if (t.charCodeAt(13) !== 58 || t.charCodeAt(16) !== 58) return NaN;
  for (let k = 0; k < DIGITS.length; k++) {
    const d = t.charCodeAt(DIGITS[k]) - 48;
    if (d < 0 || d > 9) return NaN;
  }
  const year = two(t, 0) * 100 + two(t, 2);
  const month = two(t, 5);
  const day = two(t, 8);
  const hour = two(t, 11);
  const minute = two(t, 14);
  const second = two(t, 17);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return NaN;
  if (hour > 23 || minute > 59 || second > 59) return NaN;
  return utc(year, month, day, hour, minute, second, 0);
}

/** Date.UTC, except that years 0..99 stay themselves instead of becoming 19xx. */
function utc(year: number, month: number, day: number, h: number, m: number, s: number, ms: number): number {
  const t = Date.UTC(year, month - 1, day, h, m, s, ms);
  if (year >= 100) return t;
  const d = new Date(t);
  d.setUTCFullYear(year);
  return d.getTime();
}

const DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];

function two(t: string, i: number): number {
  return (t.charCodeAt(i) - 48) * 10 + t.charCodeAt(i + 1) - 48;
}

export function parseEventDate(text: string): number {
  if (text.length === 19) {
    const t = fastPath(text);
    if (!Number.isNaN(t)) return t;
  }
  const m = ISO.exec(text.trim());
  if (!m) return NaN;
  const year = +m[1];
  const month = +m[2];
  const day = +m[3];
  const hour = m[4] ? +m[4] : 0;
  const minute = m[5] ? +m[5] : 0;
  const second = m[6] ? +m[6] : 0;
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return NaN;
  if (hour > 23 || minute > 59 || second > 59) return NaN;
  const ms = m[7] ? Math.floor(+`0.${m[7]}` * 1000) : 0;
  let offsetMinutes = 0;
  const zone = m[8];
  if (zone && zone !== "Z" && zone !== "z") {
    const sign = zone[0] === "-" ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    const oh = +digits.slice(0, 2);
    const om = digits.length > 2 ? +digits.slice(2, 4) : 0;
    if (oh > 23 || om > 59) return NaN;
    offsetMinutes = sign * (oh * 60 + om);
  }
  return utc(year, month, day, hour, minute, second, ms) - offsetMinutes * 60_000;
}

export const MS_PER_DAY = 86_400_000;

export function utcDay(ms: number): number {
  return Math.floor(ms / MS_PER_DAY);
}

/** Rows dated before this are implausible unless the config says otherwise (exports' "null" dates are 1970 or 0001). */
export const DEFAULT_EARLIEST = "2000-01-01";

/** Epoch-ms bounds, both inclusive, of the dates a row may carry. */
export interface DateWindow {
  min: number;
  max: number;
}

/** The window from the config's `plausibleDates`, the latest defaulting to `now` plus one day. */
export function plausibleWindow(
  config: { plausibleDates?: { earliest?: string; latest?: string } },
  now: Date,
): DateWindow {
  const w = config.plausibleDates;
  return {
    min: parseEventDate(w?.earliest ?? DEFAULT_EARLIEST),
    max: w?.latest ? parseEventDate(w.latest) : now.getTime() + MS_PER_DAY,
  };
}

/** `2000-01-01T00:00:00Z`-style text of a window bound, for messages. */
export function formatBound(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, "Z");
}
