// Option parsers shared by the commands; a bad value is a one-line usage error.
import { mkdir, stat } from "node:fs/promises";
import { InvalidArgumentError } from "commander";
import { UsageError } from "../errors.js";

export function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
      throw new InvalidArgumentError(`${name} must be a positive integer, got "${value}"`);
    }
    return n;
  };
}

export function intList(name: string) {
  return (value: string): number[] => {
    const parts = value.split(",").map((s) => s.trim());
    const parse = positiveInt(name);
    return parts.map(parse);
  };
}

export const DEFAULT_OUT = "out";

/** What every command that reads a log accepts as INPUT. */
export const INPUT_HELP = "CSV file(s), .csv.gz, .parquet, or folder(s) of them";

/**
 * Makes the output folder (`--out`) before any input is read, so a path that is a file or
 * cannot be created fails at once with one line, not after a whole ingest.
 */
export async function prepareOutDir(dir: string): Promise<void> {
  const info = await stat(dir).catch(() => undefined);
  if (info && !info.isDirectory()) throw new UsageError(`--out ${dir} is a file, not a folder`);
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    const code = (err as { code?: string }).code;
    const reason =
      code === "ENOTDIR" || code === "EEXIST"
        ? "a part of the path is a file"
        : code === "EACCES" || code === "EPERM"
          ? "permission denied"
          : (err as Error).message;
    throw new UsageError(`--out ${dir} cannot be created: ${reason}`);
  }
}
