// The build directory's format, shared by the writer (serialize) and the reader (publish):
// manifest.json says what the directory holds, so publish can verify it before the first
// write and resume part by part; the bulk files hold KvPair arrays.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { isValidVersion } from "../../worker/contract.js";
import { UsageError } from "../errors.js";

/** Bump when the build output changes meaning, so old builds are neither reused nor published. */
export const BUILD_FORMAT = 3;
export const MANIFEST_FILE = "manifest.json";
export const MAX_PAIRS_PER_PART = 10_000;
/** Cloudflare's bulk limit is 100 MB a request; stay clear of it for the JSON framing. */
export const MAX_BYTES_PER_PART = 95 * 1024 * 1024;

/** One entry of a bulk file (`kv/part-NNNN.json`), the format `wrangler kv bulk put` reads. */
export interface KvPair {
  key: string;
  value: string;
}

const partSchema = z.object({
  file: z.string().regex(/^kv\/part-\d{4,}\.json$/),
  pairs: z.number().int().positive(),
  bytes: z.number().int().positive(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

export const manifestSchema = z.object({
  format: z.literal(BUILD_FORMAT),
  version: z.string().refine(isValidVersion, "not a build version"),
  generated_at: z.string(),
  fingerprint: z.string(),
  id_type: z.enum(["number", "string"]),
  variants: z.array(z.number().int().positive()),
  counts: z.object({
    products: z.number().int().nonnegative(),
    customers: z.number().int().nonnegative(),
    keys: z.number().int().nonnegative(),
    bytes: z.number().int().nonnegative(),
    suppressed_customers: z.number().int().nonnegative(),
    retarget_products: z.number().int().nonnegative().optional(),
  }),
  /** Size of the bulk files (values escaped and framed), next to counts.bytes (values as served). */
  file_bytes: z.number().int().nonnegative().optional(),
  parts: z.array(partSchema),
  pointer: z.object({
    version: z.string(),
    generated_at: z.string(),
    variants: z.array(z.number()),
    products: z.number(),
    id_type: z.enum(["number", "string"]),
    /** The search index's cut prefixes (worker/contract-readable.ts), when any. */
    search_cut: z.array(z.string()).optional(),
  }),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestPart = z.infer<typeof partSchema>;

export async function readManifest(buildDir: string): Promise<Manifest> {
  const file = join(buildDir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new UsageError(`not a build directory (no ${MANIFEST_FILE}): ${buildDir}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new UsageError(`${file} is not valid JSON`);
  }
  const result = manifestSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new UsageError(`${file}: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  return result.data;
}
