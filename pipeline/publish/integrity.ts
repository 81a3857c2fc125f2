// Whether manifest.json still describes the build it sits in. The manifest's part hashes
// protect the bulk files, but nothing protects the manifest itself: its counts, variants
// and pointer are what `status` reports and what the switch writes to meta/current. So
// every one of them is checked against the build's own meta value (inside the hashed
// parts) and against the parts as read; a manifest that disagrees anywhere is refused.
// (The pointer is checked against these same fields in validate.ts.)
import { type BuildMeta, keys } from "../../worker/contract.js";
import type { Manifest } from "../serialize/manifest.js";

/** What reading the parts found, beyond the per-part checks. */
export interface PartsFound {
  /** Sum of the values' UTF-8 bytes (the manifest's counts.bytes). */
  valueBytes: number;
  /** Sum of the part files' sizes (the manifest's file_bytes). */
  fileBytes: number;
  /** Keys present among those the meta makes required (fallbacks, sample). */
  requiredSeen: Set<string>;
}

/** The keys every complete build holds for `meta`: a fallback per variant and the sample list. */
export function requiredKeys(version: string, variants: readonly number[]): string[] {
  return [keys.sample(version), ...variants.map((n) => keys.fallback(version, n))];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Problems of the manifest against the meta value and the parts; empty when it is the build's own. */
export function integrityProblems(manifest: Manifest, metaText: string, found: PartsFound): string[] {
  let meta: BuildMeta;
  try {
    meta = JSON.parse(metaText) as BuildMeta;
  } catch {
    return [`${keys.meta(manifest.version)} is not valid JSON`];
  }
  if (!meta || typeof meta !== "object" || !meta.counts || !meta.input)
    return [`${keys.meta(manifest.version)} is not a build's meta`];
  const problems: string[] = [];
  const differs = (field: string, inManifest: unknown, inMeta: unknown) => {
    if (!same(inManifest, inMeta))
      problems.push(
        `manifest.json: ${field} is ${JSON.stringify(inManifest)} but the build's meta says ${JSON.stringify(inMeta)}`,
      );
  };
  differs("version", manifest.version, meta.version);
  differs("generated_at", manifest.generated_at, meta.generated_at);
  differs("id_type", manifest.id_type, meta.id_type);
  differs("variants", manifest.variants, meta.variants);
  differs("fingerprint", manifest.fingerprint, meta.input.hash);
  for (const field of ["products", "customers", "keys", "suppressed_customers"] as const)
    differs(`counts.${field}`, manifest.counts[field], meta.counts[field]);
  if (manifest.counts.bytes !== found.valueBytes)
    problems.push(
      `manifest.json: counts.bytes is ${manifest.counts.bytes} but the parts' values hold ${found.valueBytes} bytes`,
    );
  if (manifest.file_bytes !== undefined && manifest.file_bytes !== found.fileBytes)
    problems.push(
      `manifest.json: file_bytes is ${manifest.file_bytes} but the parts are ${found.fileBytes} bytes`,
    );
  if (Array.isArray(meta.variants)) {
    for (const key of requiredKeys(manifest.version, meta.variants))
      if (!found.requiredSeen.has(key))
        problems.push(`no part holds ${key}, which the build's meta requires`);
  }
  return problems;
}
