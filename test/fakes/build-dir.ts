// Writes a tiny but complete build directory by hand (kv/part-NNNN.json + manifest.json),
// so publish tests control the part count without running the model.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { xxhash128 } from "hash-wasm";
import { BUILD_FORMAT, type Manifest } from "../../pipeline/serialize/manifest.js";
import { type BuildMeta, keys, type Pointer } from "../../worker/contract.js";

export interface TinyBuild {
  dir: string;
  version: string;
  manifest: Manifest;
  pairs: { key: string; value: string }[];
}

/**
 * `parts` parts of `perPart` rec keys each; the last part also holds sample, fallback and
 * meta. `valueBytes` pads rec values (real ones are ~2 KB) for benchmarks.
 */
export async function writeTinyBuild(
  root: string,
  version: string,
  parts = 3,
  perPart = 20,
  valueBytes = 0,
): Promise<TinyBuild> {
  const pad = valueBytes > 0 ? "x".repeat(valueBytes) : undefined;
  const dir = join(root, version);
  mkdirSync(join(dir, "kv"), { recursive: true });
  const generatedAt = `${version.slice(0, 4)}-${version.slice(4, 6)}-${version.slice(6, 8)}T${version.slice(9, 11)}:${version.slice(11, 13)}:${version.slice(13, 15)}Z`;
  const groups: { key: string; value: string }[][] = [];
  let product = 0;
  for (let p = 0; p < parts; p++) {
    const group = [];
    for (let i = 0; i < perPart; i++, product++) {
      group.push({
        key: keys.rec(version, String(1000 + product), 5),
        value: JSON.stringify({
          product_id: 1000 + product,
          model_version: version,
          ...(pad ? { pad } : {}),
        }),
      });
    }
    groups.push(group);
  }
  const last = groups[groups.length - 1];
  last.push({ key: keys.sample(version), value: JSON.stringify([1000, 1001, 1002]) });
  last.push({
    key: keys.fallback(version, 5),
    value: JSON.stringify({ fallback: true, model_version: version }),
  });
  const total = groups.reduce((n, g) => n + g.length, 0) + 1;
  const meta: BuildMeta = {
    version,
    generated_at: generatedAt,
    id_type: "number",
    variants: [5],
    counts: { products: product, customers: 10, keys: total, suppressed_customers: 0 },
    config: {},
    stats: {},
    evaluation: null,
    input: { files: [], hash: "f".repeat(64) },
  };
  last.push({ key: keys.meta(version), value: JSON.stringify(meta) });
  const manifestParts = [];
  for (const [i, group] of groups.entries()) {
    const file = `kv/part-${String(i + 1).padStart(4, "0")}.json`;
    const text = `[\n${group.map((p) => JSON.stringify(p)).join(",\n")}\n]\n`;
    writeFileSync(join(dir, file), text);
    manifestParts.push({
      file,
      pairs: group.length,
      bytes: Buffer.byteLength(text),
      xxh128: await xxhash128(text),
    });
  }
  const pointer: Pointer = {
    version,
    generated_at: generatedAt,
    variants: [5],
    products: product,
    id_type: "number",
  };
  const manifest: Manifest = {
    format: BUILD_FORMAT,
    version,
    generated_at: generatedAt,
    fingerprint: "f".repeat(64),
    id_type: "number",
    variants: [5],
    // As a real build counts them: the values' UTF-8 bytes (publish checks this).
    counts: {
      products: product,
      customers: 10,
      keys: total,
      bytes: groups.flat().reduce((n, p) => n + Buffer.byteLength(p.value), 0),
      suppressed_customers: 0,
    },
    parts: manifestParts,
    pointer,
  };
  writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest, null, 2));
  return { dir, version, manifest, pairs: groups.flat() };
}
