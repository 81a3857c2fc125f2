// Resolves INPUT arguments (files, .csv.gz, .parquet, folders) to the list of files to read.
import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { UsageError } from "../errors.js";

const INPUT_FILE = /\.(csv|csv\.gz|parquet)$/i;

export async function resolveInputs(inputs: string[]): Promise<string[]> {
  if (inputs.length === 0)
    throw new UsageError("no input given: pass a CSV file, a .csv.gz, a .parquet or a folder of them");
  const files: string[] = [];
  for (const input of inputs) {
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(input);
    } catch {
      throw new UsageError(`input not found: ${input}`);
    }
    if (info.isDirectory()) {
      const names = (await readdir(input)).filter((n) => INPUT_FILE.test(n)).sort();
      if (names.length === 0) throw new UsageError(`no .csv, .csv.gz or .parquet files in folder: ${input}`);
      files.push(...names.map((n) => join(input, n)));
    } else {
      files.push(input);
    }
  }
  return files;
}

/** The file's bytes (decompressed), from byte `start` of a plain file. */
export function openInput(file: string, start = 0): Readable {
  const raw = createReadStream(file, { highWaterMark: 1 << 20, start });
  if (!isGzip(file)) return raw;
  if (start > 0) throw new Error(`internal: cannot start a gzip file at byte ${start}`);
  const gunzip = createGunzip();
  // pipe() does not forward errors; a read error must still reach the consumer.
  raw.on("error", (err) => gunzip.destroy(err));
  return raw.pipe(gunzip);
}

export function isGzip(file: string): boolean {
  return /\.gz$/i.test(file);
}
