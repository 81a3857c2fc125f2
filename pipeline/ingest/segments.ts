// The input cut into segments for the two parsers (docs/threads.md): every plain CSV file in
// pieces of about SEGMENT_BYTES, each starting just after a newline, that either side may
// parse; a compressed or Parquet file is one piece only the ingest itself reads (neither can
// be read from the middle, and Parquet needs no CSV parse to share).
import { open, stat } from "node:fs/promises";
import { isParquet } from "./parquet-file.js";
import { isGzip } from "./sources.js";

/** About this much CSV per segment (~65,000 rows): the ingest parses one ahead whenever the thread has nothing ready, and a smaller one keeps that turn short (8 MiB left the ingest the slower side); starting a parser (~0.1 ms) is still nothing. */
export const SEGMENT_BYTES = 4 << 20;

export interface Segment {
  file: string;
  fileIndex: number;
  /** Byte offset where it starts: 0 (the file's top, header and all) or just after a newline. */
  from: number;
  /** Where the next segment of the file starts (the file's size for its last one). */
  to: number;
  /** Whether the parse thread may take it (plain CSV). */
  shared: boolean;
}

/** The segments of `files`, in order; `bytes` overrides SEGMENT_BYTES (tests cut small files). */
export async function planSegments(files: string[], bytes = SEGMENT_BYTES): Promise<Segment[]> {
  const segments: Segment[] = [];
  for (let f = 0; f < files.length; f++) {
    const file = files[f];
    const whole = { file, fileIndex: f, from: 0, to: Number.POSITIVE_INFINITY };
    if (isGzip(file) || isParquet(file)) {
      segments.push({ ...whole, shared: false });
      continue;
    }
    let size: number;
    try {
      size = (await stat(file)).size;
    } catch {
      // Unreadable: it fails properly when read, as one piece.
      segments.push({ ...whole, shared: false });
      continue;
    }
    const cuts = await newlineCuts(file, size, bytes);
    let from = 0;
    for (const cut of [...cuts, size]) {
      segments.push({ file, fileIndex: f, from, to: cut, shared: true });
      from = cut;
    }
  }
  return segments;
}

/** Offsets just after the first newline at or past every multiple of `bytes` (none closer than `bytes / 2` to the end). */
async function newlineCuts(file: string, size: number, bytes: number): Promise<number[]> {
  const cuts: number[] = [];
  const window = Buffer.alloc(64 << 10);
  const handle = await open(file, "r");
  try {
    for (let at = bytes; at + bytes / 2 < size; at += bytes) {
      if (cuts.length > 0 && at < cuts[cuts.length - 1]) continue;
      const { bytesRead } = await handle.read(window, 0, window.length, at);
      const nl = window.subarray(0, bytesRead).indexOf(10);
      // A line longer than the window: no cut here, the segment grows instead.
      if (nl >= 0 && at + nl + 1 < size) cuts.push(at + nl + 1);
    }
  } finally {
    await handle.close();
  }
  return cuts;
}
