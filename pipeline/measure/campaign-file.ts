// Reads a campaign audience as served (`customer_id,score,rank,product_id,holdout`):
// who was targeted, who was held out, and which products the campaign was about. Anything
// that would make the measurement meaningless is a one-line UsageError (exit 2).
import { readFile } from "node:fs/promises";
import { parse } from "csv-parse/sync";
import { isValidId } from "../../worker/contract.js";
import { UsageError } from "../errors.js";

export interface CampaignFile {
  /** customer id → held out. */
  customers: Map<string, boolean>;
  /** The distinct non-empty product ids of the file, in order of first appearance. */
  products: string[];
  /** Rows repeating a customer already read with the same flag: counted once. */
  repeatedRows: number;
}

const normalize = (name: string) => name.trim().toLowerCase().replace(/\s+/g, "_");

export async function readCampaignFile(path: string): Promise<CampaignFile> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read the campaign file ${path}${code ? ` (${code})` : ""}`);
  }
  let rows: string[][];
  try {
    rows = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true }) as string[][];
  } catch (err) {
    throw new UsageError(`the campaign file ${path} is not valid CSV: ${(err as Error).message}`);
  }
  if (rows.length === 0) throw new UsageError(`the campaign file ${path} is empty`);
  const header = rows[0].map(normalize);
  const col = (name: string) => header.indexOf(name);
  const customerCol = col("customer_id");
  const holdoutCol = col("holdout");
  const productCol = col("product_id");
  const missing = [customerCol < 0 ? "customer_id" : "", holdoutCol < 0 ? "holdout" : ""].filter(Boolean);
  if (missing.length > 0)
    throw new UsageError(
      `the campaign file ${path} has no ${missing.join(" or ")} column (expected the served CSV: customer_id,score,rank,product_id,holdout)`,
    );

  const customers = new Map<string, boolean>();
  const products = new Set<string>();
  let repeatedRows = 0;
  for (let i = 1; i < rows.length; i++) {
    const line = i + 1;
    const row = rows[i];
    const id = (row[customerCol] ?? "").trim();
    if (!isValidId(id)) throw new UsageError(`${path} line ${line}: customer_id "${id}" is not a valid id`);
    const flag = (row[holdoutCol] ?? "").trim().toLowerCase();
    if (flag !== "true" && flag !== "false")
      throw new UsageError(
        `${path} line ${line}: holdout must be true or false, got "${row[holdoutCol] ?? ""}"`,
      );
    const held = flag === "true";
    const seen = customers.get(id);
    if (seen !== undefined) {
      if (seen !== held)
        throw new UsageError(
          `${path} line ${line}: customer ${id} appears again with the other holdout flag`,
        );
      repeatedRows++;
      continue;
    }
    customers.set(id, held);
    const product = productCol >= 0 ? (row[productCol] ?? "").trim() : "";
    if (product !== "") {
      if (!isValidId(product))
        throw new UsageError(`${path} line ${line}: product_id "${product}" is not a valid id`);
      products.add(product);
    }
  }
  if (customers.size === 0) throw new UsageError(`the campaign file ${path} holds no customers`);
  return { customers, products: [...products], repeatedRows };
}
