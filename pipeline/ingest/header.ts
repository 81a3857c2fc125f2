// Maps a CSV header to the columns the pipeline needs, case- and space-insensitively.
import { UsageError } from "../errors.js";

export interface ColumnMap {
  customer: number;
  product: number;
  event: number;
  date: number;
  name: number; // -1 when the export has no product_name
}

const REQUIRED = ["customer_id", "product_id", "event", "event_date"] as const;

/** `Customer ID`, `customer_id`, ` CUSTOMER_ID ` all become `customerid`. */
export function normalizeHeader(name: string): string {
  return name
    .replace(/^\uFEFF/, "")
    .toLowerCase()
    .replace(/[\s_]+/g, "");
}

export function mapHeader(header: string[], source: string): ColumnMap {
  const index = new Map<string, number>();
  header.forEach((h, i) => {
    const key = normalizeHeader(h);
    if (key && key !== "index" && !index.has(key)) index.set(key, i);
  });
  const missing = REQUIRED.filter((c) => !index.has(normalizeHeader(c)));
  if (missing.length > 0) {
    const found =
      header
        .map((h) => h.trim())
        .filter(Boolean)
        .join(", ") || "(none)";
    throw new UsageError(`${source}: missing required column(s) ${missing.join(", ")} (found: ${found})`);
  }
  return {
    customer: index.get("customerid")!,
    product: index.get("productid")!,
    event: index.get("event")!,
    date: index.get("eventdate")!,
    name: index.get("productname") ?? -1,
  };
}
