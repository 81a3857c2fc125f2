// Maps a CSV header to the columns the pipeline needs, case- and space-insensitively.
import { escapeControl, UsageError } from "../errors.js";

export interface ColumnMap {
  customer: number;
  product: number;
  event: number;
  date: number;
  name: number; // -1 when the export has no product_name
}

const REQUIRED = ["customer_id", "product_id", "event", "event_date"] as const;
/** Every column the pipeline reads: none of them may be named twice. */
const USED = [...REQUIRED, "product_name"] as const;

/** `Customer ID`, `customer_id`, ` CUSTOMER_ID ` all become `customerid`. */
export function normalizeHeader(name: string): string {
  return name
    .replace(/^\uFEFF/, "")
    .toLowerCase()
    .replace(/[\s_]+/g, "");
}

/** A header name as it may appear in a message: trimmed, control characters escaped, quoted. */
function shown(name: string): string {
  return `"${escapeControl(name.trim())}"`;
}

export function mapHeader(header: string[], source: string): ColumnMap {
  const index = new Map<string, number>();
  const seen = new Map<string, string[]>();
  header.forEach((h, i) => {
    const key = normalizeHeader(h);
    if (!key || key === "index") return;
    seen.set(key, [...(seen.get(key) ?? []), h]);
    if (!index.has(key)) index.set(key, i);
  });
  // Two columns that both match one name would make the choice between them silent.
  const twice = USED.filter((c) => (seen.get(normalizeHeader(c))?.length ?? 0) > 1);
  if (twice.length > 0) {
    const named = twice.map((c) => `${c} (${seen.get(normalizeHeader(c))!.map(shown).join(", ")})`);
    throw new UsageError(
      `${escapeControl(source)}: column(s) named more than once: ${named.join("; ")}: keep one of each`,
    );
  }
  const missing = REQUIRED.filter((c) => !index.has(normalizeHeader(c)));
  if (missing.length > 0) {
    const found =
      header
        .map((h) => escapeControl(h.trim()))
        .filter(Boolean)
        .join(", ") || "(none)";
    throw new UsageError(
      `${escapeControl(source)}: missing required column(s) ${missing.join(", ")} (found: ${found})`,
    );
  }
  return {
    customer: index.get("customerid")!,
    product: index.get("productid")!,
    event: index.get("event")!,
    date: index.get("eventdate")!,
    name: index.get("productname") ?? -1,
  };
}
