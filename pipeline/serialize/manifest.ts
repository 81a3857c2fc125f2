// The build directory's format, shared by the writer (serialize) and the reader (publish):
// manifest.json says what the directory holds, so publish can verify it before the first
// write and resume part by part; the bulk files hold KvPair arrays.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { createXXHash128, type IHasher, xxhash128 } from "hash-wasm";
import { z } from "zod";
import { isValidVersion } from "../../worker/contract.js";
import { UsageError } from "../errors.js";

/** Bump when the build output changes meaning, so old builds are neither reused nor published. */
export const BUILD_FORMAT = 4;
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
  /** partChecksum of the file's bytes. */
  xxh128: z.string().regex(/^[0-9a-f]{32}$/),
});

// Each part's checksum: XXH3-128 of the file's bytes, as lower-case hex. It guards against a
// build directory that changed or broke between the build and the publish (and lets a resumed
// publish skip what a target already confirmed), not against tampering: whoever can edit a
// part can edit the manifest beside it. A build hashes every byte it writes (gigabytes at
// 500k rows); XXH3 (hash-wasm) runs at about 4.5 GB/s on one core of the build machine, SHA-256
// at 1.7 GB/s even with the CPU's SHA extensions.
export type PartHasher = IHasher;

/** A hasher for one part, fed as the part is written; digest("hex") is its checksum. */
export async function partHasher(): Promise<PartHasher> {
  const hasher = await createXXHash128();
  hasher.init();
  return hasher;
}

/** The checksum of a whole part read back. */
export function partChecksum(bytes: Uint8Array): Promise<string> {
  return xxhash128(bytes);
}

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
