// Checks a whole build before the first write, as wrangler's `kv bulk put` does: every
// problem is collected (each bad item with its file and index) and reported at once, so
// an analyst fixes everything in one go instead of discovering it mid-upload.
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { keys, POINTER_KEY } from "../../worker/contract.js";
import { UsageError } from "../errors.js";
import { type KvPair, type Manifest, type ManifestPart, partChecksum } from "../serialize/manifest.js";
import { MAX_BULK_BYTES, MAX_BULK_PAIRS } from "./cloudflare.js";
import { integrityProblems, type PartsFound } from "./integrity.js";

/** Workers KV limits (developers.cloudflare.com/kv/platform/limits). */
export const MAX_KEY_BYTES = 512;
export const MAX_VALUE_BYTES = 25 * 1024 * 1024;
const SHOWN_PROBLEMS = 20;

export interface SampleKey {
  key: string;
  valueSha256: string;
}

export interface CheckedPart extends ManifestPart {
  /** First and last pair of the part (and the build's meta if here): what read-back compares. */
  samples: SampleKey[];
}

export const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

function show(key: string): string {
  return JSON.stringify(key.length > 80 ? `${key.slice(0, 77)}...` : key);
}

/** Problems of one part's content; empty when it is fine. */
export function checkPairs(file: string, items: unknown, version: string): string[] {
  if (!Array.isArray(items)) return [`${file}: expected a JSON array of {key, value}`];
  const problems: string[] = [];
  const prefix = keys.versionPrefix(version);
  items.forEach((item: unknown, index) => {
    const at = `${file}: item at index ${index}`;
    const pair = item as Partial<KvPair> | null;
    if (!pair || typeof pair !== "object" || typeof pair.key !== "string" || typeof pair.value !== "string") {
      problems.push(`${at} is not {"key": string, "value": string}`);
      return;
    }
    const keyBytes = Buffer.byteLength(pair.key);
    if (keyBytes === 0) problems.push(`${at}: empty key`);
    if (keyBytes > MAX_KEY_BYTES)
      problems.push(`${at}: key is ${keyBytes} bytes (limit ${MAX_KEY_BYTES}): ${show(pair.key)}`);
    if (!pair.key.startsWith(prefix))
      problems.push(
        `${at}: key ${show(pair.key)} is outside ${prefix} (only versioned keys may precede the switch)`,
      );
    const valueBytes = Buffer.byteLength(pair.value);
    if (valueBytes > MAX_VALUE_BYTES)
      problems.push(`${at}: value of ${show(pair.key)} is ${valueBytes} bytes (limit ${MAX_VALUE_BYTES})`);
  });
  if (items.length > MAX_BULK_PAIRS)
    problems.push(`${file}: ${items.length} pairs (limit ${MAX_BULK_PAIRS} per bulk request)`);
  return problems;
}

function pointerProblems(m: Manifest): string[] {
  const p = m.pointer;
  const problems: string[] = [];
  if (p.version !== m.version)
    problems.push(`manifest.json: pointer.version ${p.version} is not the build's version ${m.version}`);
  if (p.generated_at !== m.generated_at)
    problems.push(`manifest.json: pointer.generated_at differs from generated_at`);
  if (p.id_type !== m.id_type) problems.push(`manifest.json: pointer.id_type differs from id_type`);
  if (p.products !== m.counts.products)
    problems.push(
      `manifest.json: pointer.products ${p.products} is not counts.products ${m.counts.products}`,
    );
  if (JSON.stringify(p.variants) !== JSON.stringify(m.variants))
    problems.push(`manifest.json: pointer.variants differ from variants`);
  return problems;
}

/** Parts listed twice, and part files in kv/ the manifest does not list (a part dropped from it). */
async function partListProblems(buildDir: string, manifest: Manifest): Promise<string[]> {
  const problems: string[] = [];
  const listed = new Set<string>();
  for (const part of manifest.parts) {
    if (listed.has(part.file)) problems.push(`manifest.json: ${part.file} is listed twice`);
    listed.add(part.file);
  }
  let names: string[] = [];
  try {
    names = await readdir(join(buildDir, "kv"));
  } catch {
    // No kv/ folder: every listed part is reported missing below.
  }
  for (const name of names.sort()) {
    const file = `kv/${name}`;
    if (/^part-\d{4,}\.json$/.test(name) && !listed.has(file))
      problems.push(`manifest.json: does not list ${file}, which the build holds`);
  }
  return problems;
}

/** Reads every part once; throws one UsageError listing every problem, or returns the parts with their samples. */
export async function validateBuild(buildDir: string, manifest: Manifest): Promise<CheckedPart[]> {
  const problems = [...pointerProblems(manifest), ...(await partListProblems(buildDir, manifest))];
  const checked: CheckedPart[] = [];
  let pairs = 0;
  let metaText: string | undefined;
  const metaKey = keys.meta(manifest.version);
  // Every fallback key any variant list could need is recognized here; which variants the
  // build has is only known once its meta is read (it may sit in the last part).
  const fallbackPrefix = `${keys.versionPrefix(manifest.version)}fallback/`;
  const sampleKey = keys.sample(manifest.version);
  const found: PartsFound = { valueBytes: 0, fileBytes: 0, requiredSeen: new Set() };
  for (const part of manifest.parts) {
    let buf: Buffer;
    try {
      buf = await readFile(join(buildDir, part.file));
    } catch {
      problems.push(`${part.file}: missing or unreadable`);
      continue;
    }
    if ((await partChecksum(buf)) !== part.xxh128) {
      problems.push(
        `${part.file}: content does not match the manifest's checksum (the build directory changed or is corrupt)`,
      );
      continue;
    }
    found.fileBytes += buf.length;
    if (buf.length !== part.bytes)
      problems.push(`${part.file}: ${buf.length} bytes, the manifest says ${part.bytes}`);
    if (buf.length > MAX_BULK_BYTES)
      problems.push(`${part.file}: ${buf.length} bytes (limit ${MAX_BULK_BYTES} per bulk request)`);
    let items: unknown;
    try {
      items = JSON.parse(buf.toString("utf8"));
    } catch {
      problems.push(`${part.file}: not valid JSON`);
      continue;
    }
    const partProblems = checkPairs(part.file, items, manifest.version);
    problems.push(...partProblems);
    if (partProblems.length > 0) continue;
    const list = items as KvPair[];
    if (list.length !== part.pairs)
      problems.push(`${part.file}: holds ${list.length} pairs, the manifest says ${part.pairs}`);
    if (list.some((p) => p.key === POINTER_KEY))
      problems.push(`${part.file}: holds ${POINTER_KEY}, which only the switch may write`);
    const meta = list.find((p) => p.key === metaKey);
    if (meta) metaText = meta.value;
    for (const p of list) {
      found.valueBytes += Buffer.byteLength(p.value);
      if (p.key === sampleKey || p.key.startsWith(fallbackPrefix)) found.requiredSeen.add(p.key);
    }
    pairs += list.length;
    // First, last, and the meta wherever it sits: rollback and status depend on it.
    const picks = new Set([list[0], list[list.length - 1], ...(meta ? [meta] : [])]);
    checked.push({ ...part, samples: [...picks].map((p) => ({ key: p.key, valueSha256: sha256(p.value) })) });
  }
  if (checked.length === manifest.parts.length) {
    if (pairs !== manifest.counts.keys)
      problems.push(
        `manifest.json: counts.keys is ${manifest.counts.keys} but the parts hold ${pairs} pairs`,
      );
    if (metaText === undefined) problems.push(`no part holds ${metaKey}: rollback and status need it`);
    else problems.push(...integrityProblems(manifest, metaText, found));
  }
  if (manifest.parts.length === 0) problems.push("manifest.json: the build has no parts");
  if (problems.length > 0) {
    const shown = problems
      .slice(0, SHOWN_PROBLEMS)
      .map((p) => `\n  - ${p}`)
      .join("");
    const more =
      problems.length > SHOWN_PROBLEMS ? `\n  ... and ${problems.length - SHOWN_PROBLEMS} more` : "";
    throw new UsageError(
      `build ${buildDir} cannot be published (${problems.length} problem${problems.length === 1 ? "" : "s"}; nothing was written):${shown}${more}`,
    );
  }
  return checked;
}
