// Files written once, front to back, that this process never reads again: the bulk files.
// They skip the page cache where the file system allows it (Linux O_DIRECT). A later
// publish reads them, often on another machine, so caching them here is all cost: on a VM
// whose fresh pages are faulted in from the host, copying a 500k-row build's 2.6 GB into
// new page-cache pages took 8 s of kernel CPU, written with O_DIRECT 0.2 s (docs/benchmarks.md).
// O_DIRECT needs block-aligned memory, file offsets and lengths: the buffers come from
// alignedChunk(), every write but a file's last is whole blocks, and the last is padded
// and the file truncated back to its true length. Where O_DIRECT is missing or refused
// (EINVAL: the platform or file system lacks it) the same writes go through the cache.
import { constants } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";

/** The alignment O_DIRECT asks for: the largest logical block size of common devices. */
export const BLOCK = 4096;
const WASM_PAGE = 65_536;
/** The engine's WebAssembly.Memory (this project's TypeScript libs declare no WebAssembly values). */
const { Memory } = (
  globalThis as unknown as {
    WebAssembly: { Memory: new (size: { initial: number; maximum: number }) => { buffer: ArrayBuffer } };
  }
).WebAssembly;

/**
 * A zeroed buffer of at least `bytes` whose memory starts on a page boundary. A
 * WebAssembly memory is allocated by pages (64 KiB), so its start is aligned, where a
 * Buffer's is only 16-byte aligned. Each one reserves address space (not memory) for the
 * engine's bounds checks, so callers keep and reuse a few rather than make many.
 */
export function alignedChunk(bytes: number): Buffer {
  const pages = Math.ceil(bytes / WASM_PAGE);
  return Buffer.from(new Memory({ initial: pages, maximum: pages }).buffer);
}

function refused(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === "EINVAL";
}

export class SequentialFile {
  /** Bytes handed to write() so far: where the next write goes. */
  private end = 0;
  /** Writes run one after another: a file's blocks must not overtake each other. */
  private queue: Promise<void> = Promise.resolve();

  private constructor(
    private readonly path: string,
    private handle: FileHandle,
    /** Whether writes bypass the page cache (then they must be whole blocks but for the last). */
    private direct: boolean,
  ) {}

  /** Creates (or empties) the file, bypassing the page cache when `direct` and the system allow it. */
  static async create(path: string, direct: boolean): Promise<SequentialFile> {
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC;
    if (direct && constants.O_DIRECT !== undefined) {
      try {
        return new SequentialFile(path, await open(path, flags | constants.O_DIRECT, 0o644), true);
      } catch (err) {
        if (!refused(err)) throw err;
      }
    }
    return new SequentialFile(path, await open(path, flags, 0o644), false);
  }

  /**
   * How much of `length` pending bytes to write now: everything through the cache, whole
   * blocks when direct (the rest waits for the next write, or close()).
   */
  writable(length: number): number {
    return this.direct ? length - (length % BLOCK) : length;
  }

  /**
   * Appends buffer[0..length) (length from writable(), or the file's last bytes when `last`).
   * The buffer must stay untouched until the promise settles; it must come from
   * alignedChunk() for direct writes. With `last`, a direct write is padded to whole
   * blocks (the buffer needs room for that) and the file cut back by close().
   */
  write(buffer: Buffer, length: number, last = false): Promise<void> {
    const at = this.end;
    this.end += length;
    this.queue = this.queue.then(async () => {
      const padded = this.direct && last ? Math.ceil(length / BLOCK) * BLOCK : length;
      try {
        await this.writeAll(buffer, padded, at);
      } catch (err) {
        if (!this.direct || !refused(err)) throw err;
        // The file system took the O_DIRECT open but refuses its writes: go on through the cache.
        await this.handle.close();
        this.handle = await open(this.path, constants.O_WRONLY, 0o644);
        this.direct = false;
        await this.writeAll(buffer, length, at);
      }
    });
    return this.queue;
  }

  /** Waits for every write, cuts any padding off, closes the file. */
  async close(): Promise<void> {
    try {
      await this.queue;
      await this.handle.truncate(this.end);
    } finally {
      await this.handle.close();
    }
  }

  private async writeAll(buffer: Buffer, length: number, at: number): Promise<void> {
    let done = 0;
    while (done < length) {
      const { bytesWritten } = await this.handle.write(buffer, done, length - done, at + done);
      done += bytesWritten;
    }
  }
}
