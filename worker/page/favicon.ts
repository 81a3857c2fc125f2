// GET /favicon.ico: browsers ask for it on every visit to the demo page, and a 404 shows up
// as an error in their consoles. A 16×16 icon (a blue disc with a white target, the page's
// accent colour), drawn here as text so it can be read and changed without an image editor,
// and encoded once per isolate as an ICO holding one 32-bit BMP (1,150 bytes).
import type { Context } from "hono";

const ART = [
  ".....bbbbbb.....",
  "...bbbbbbbbbb...",
  "..bbbbbbbbbbbb..",
  ".bbbbwwwwwwbbbb.",
  ".bbbwwbbbbwwbbb.",
  "bbbwwbbbbbbwwbbb",
  "bbbwbbbwwbbbwbbb",
  "bbbwbbwwwwbbwbbb",
  "bbbwbbwwwwbbwbbb",
  "bbbwbbbwwbbbwbbb",
  "bbbwwbbbbbbwwbbb",
  ".bbbwwbbbbwwbbb.",
  ".bbbbwwwwwwbbbb.",
  "..bbbbbbbbbbbb..",
  "...bbbbbbbbbb...",
  ".....bbbbbb.....",
];

/** BGRA per character; "." is transparent. */
const COLOURS: Record<string, [number, number, number, number]> = {
  b: [0xd0, 0x57, 0x0b, 0xff],
  w: [0xff, 0xff, 0xff, 0xff],
  ".": [0, 0, 0, 0],
};

export function encodeIco(art: readonly string[]): Uint8Array {
  const size = art.length;
  const pixels = size * size * 4;
  // The AND mask: one bit per pixel, rows padded to 4 bytes; all zero, the alpha channel rules.
  const mask = Math.ceil(size / 32) * 4 * size;
  const image = 40 + pixels + mask;
  const bytes = new Uint8Array(6 + 16 + image);
  const view = new DataView(bytes.buffer);
  view.setUint16(2, 1, true); // type: icon
  view.setUint16(4, 1, true); // one image
  bytes[6] = size;
  bytes[7] = size;
  view.setUint16(10, 1, true); // planes
  view.setUint16(12, 32, true); // bits per pixel
  view.setUint32(14, image, true);
  view.setUint32(18, 22, true); // offset of the image
  view.setUint32(22, 40, true); // BITMAPINFOHEADER
  view.setInt32(26, size, true);
  view.setInt32(30, size * 2, true); // colour rows plus mask rows
  view.setUint16(34, 1, true);
  view.setUint16(36, 32, true);
  view.setUint32(42, pixels + mask, true);
  // BMP rows run bottom to top.
  art.forEach((row, y) => {
    const start = 62 + (size - 1 - y) * size * 4;
    for (let x = 0; x < size; x++) bytes.set(COLOURS[row[x]] ?? COLOURS["."], start + x * 4);
  });
  return bytes;
}

let ico: Uint8Array | undefined;

export function favicon(c: Context): Response {
  ico ??= encodeIco(ART);
  c.header("Content-Type", "image/x-icon");
  c.header("Cache-Control", "public, max-age=86400");
  return c.body(ico as Uint8Array<ArrayBuffer>);
}
