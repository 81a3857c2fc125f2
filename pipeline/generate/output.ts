// The generator's output file: checked and opened before any row is made (a folder or an
// unwritable path fails at once, not after the data is built), gzip-compressed when the
// name ends in .gz (so the ingest reads it back as it reads any .csv.gz), and every write
// error (a full disk, /dev/full) comes back as one line instead of an unhandled 'error'.
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir, open, stat, unlink } from "node:fs/promises";
import { dirname } from "node:path";
import type { Writable } from "node:stream";
import { finished } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { UsageError } from "../errors.js";
import { isGzip } from "../ingest/sources.js";

export interface OutputFile {
  /** Resolves when the text is taken (or buffered below the high-water mark). */
  write(text: string): Promise<void>;
  /** Flushes and closes; rejects with the first write error. */
  close(): Promise<void>;
  /** After a failure: closes without flushing and removes a partly written regular file. */
  abandon(): Promise<void>;
}

const REASONS: Record<string, string> = {
  ENOSPC: "no space left on the device",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EISDIR: "it is a folder",
  ENOTDIR: "a part of the path is a file, not a folder",
  EROFS: "the file system is read-only",
  EDQUOT: "disk quota exceeded",
  EIO: "input/output error",
};

export function cannotWrite(path: string, err: unknown): UsageError {
  const code = (err as { code?: string })?.code;
  const reason = (code && REASONS[code]) ?? (err as Error)?.message ?? String(err);
  return new UsageError(`cannot write ${path}: ${reason}`);
}

export async function openOutput(path: string): Promise<OutputFile> {
  const info = await stat(path).catch(() => undefined);
  if (info?.isDirectory()) throw new UsageError(`--out ${path} is a folder: give a file name`);
  try {
    await mkdir(dirname(path), { recursive: true });
  } catch (err) {
    throw cannotWrite(path, err);
  }
  let file: WriteStream;
  try {
    file = createWriteStream(path, { fd: await open(path, "w"), highWaterMark: 1 << 20 });
  } catch (err) {
    throw cannotWrite(path, err);
  }
  const regular = (await stat(path).catch(() => undefined))?.isFile() ?? false;
  const gzip = isGzip(path) ? createGzip() : undefined;
  const head: Writable = gzip ?? file;
  gzip?.pipe(file);

  let failure: UsageError | undefined;
  const waiting = new Set<(err: UsageError) => void>();
  const fail = (err: unknown) => {
    failure ??= cannotWrite(path, err);
    for (const reject of waiting) reject(failure);
    waiting.clear();
  };
  file.on("error", fail);
  gzip?.on("error", fail);

  return {
    write(text) {
      if (failure) return Promise.reject(failure);
      if (head.write(text)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        waiting.add(reject);
        head.once("drain", () => {
          waiting.delete(reject);
          resolve();
        });
      });
    },
    async close() {
      if (failure) throw failure;
      head.end();
      try {
        await finished(file);
      } catch (err) {
        fail(err);
      }
      if (failure) throw failure;
    },
    async abandon() {
      gzip?.destroy();
      file.destroy();
      await finished(file).catch(() => {});
      if (regular) await unlink(path).catch(() => {});
    },
  };
}
