// Text assembled as UTF-8 bytes and read back as one string. A value joined from a million
// short pieces costs one byte copy per byte this way; joined as strings, the pieces become
// ropes that are flattened and collected piece by piece.

const encoder = new TextEncoder();
// A text that starts with U+FEFF keeps it.
const decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });

export class ByteWriter {
  private buf: Uint8Array;
  /** Bytes written since the last take(). */
  length = 0;

  constructor(capacity = 1 << 16) {
    this.buf = new Uint8Array(capacity);
  }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + bytes));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  byte(code: number): void {
    this.reserve(1);
    this.buf[this.length++] = code;
  }

  /** Text of ASCII characters only (JSON punctuation, numbers). */
  ascii(text: string): void {
    this.reserve(text.length);
    const buf = this.buf;
    let at = this.length;
    for (let i = 0; i < text.length; i++) buf[at++] = text.charCodeAt(i);
    this.length = at;
  }

  /** A non-negative integer in decimal; any other number as String() writes it. */
  int(n: number): void {
    if (!(n >= 0 && n <= 0x7fffffff && (n | 0) === n)) {
      this.ascii(String(n));
      return;
    }
    this.reserve(10);
    const buf = this.buf;
    let digits = 1;
    for (let rest = n; rest >= 10; rest = (rest / 10) | 0) digits++;
    let at = this.length + digits;
    this.length = at;
    for (let rest = n; digits > 0; digits--, rest = (rest / 10) | 0) buf[--at] = 0x30 + (rest % 10);
  }

  /** The JSON string literal of `text`, exactly as JSON.stringify writes it. */
  jsonString(text: string): void {
    this.reserve(text.length + 2);
    const buf = this.buf;
    let at = this.length;
    buf[at++] = 0x22;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      // Control characters, quote and backslash are escaped; anything past ASCII is left
      // to JSON.stringify too (lone surrogates are escaped), then encoded.
      if (c < 0x20 || c === 0x22 || c === 0x5c || c >= 0x80) {
        this.utf8(JSON.stringify(text));
        return;
      }
      buf[at++] = c;
    }
    buf[at++] = 0x22;
    this.length = at;
  }

  /** Any text, encoded as UTF-8. */
  utf8(text: string): void {
    this.reserve(text.length * 3);
    this.length += encoder.encodeInto(text, this.buf.subarray(this.length)).written;
  }

  /** Bytes start..end of another writer's text (since its last take()). */
  copy(from: ByteWriter, start: number, end: number): void {
    this.reserve(end - start);
    const buf = this.buf;
    const source = from.buf;
    // A call into the runtime costs more than a short loop: entries are tens of bytes.
    if (end - start > 64) buf.set(source.subarray(start, end), this.length);
    else for (let i = start, at = this.length; i < end; i++, at++) buf[at] = source[i];
    this.length += end - start;
  }

  /** The text written since the last take(), which starts the writer afresh. */
  take(): string {
    const text = decoder.decode(this.buf.subarray(0, this.length));
    this.length = 0;
    return text;
  }
}
