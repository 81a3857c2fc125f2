// A campaign's holdout group: whether a customer is held out depends only on the campaign
// and the customer, so every call (any n, any product list) and `audience measure` agree.
//
// The hash is computed here in plain JavaScript rather than with WebCrypto: a campaign of
// 1,000 customers needs 1,000 hashes, and one crypto.subtle.digest call costs about 6 µs of
// CPU in workerd (the promise and the native call, not the hashing), 6 ms of the free plan's
// 10 ms; this function takes about 0.5 µs for these short inputs. It is checked against
// node:crypto in the tests.

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);
const W = new Int32Array(64);
const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));
/**
 * The first 32 bits of SHA-256 (FIPS 180-4) of an ASCII string, big-endian: what
 * parseInt(hex(sha256(text)).slice(0, 8), 16) gives. Ids and campaign names are ASCII by the
 * id rule, so each character is one byte.
 */
export function sha256First32(text: string): number {
  const len = text.length;
  // Padding: the text, a 0x80 byte, zeros, and the bit length in the last 8 bytes, in
  // 64-byte blocks; the words are filled on the fly instead of building the padded bytes.
  const blocks = ((len + 8) >> 6) + 1;
  let h0 = 0x6a09e667,
    h1 = 0xbb67ae85 | 0,
    h2 = 0x3c6ef372,
    h3 = 0xa54ff53a | 0,
    h4 = 0x510e527f,
    h5 = 0x9b05688c | 0,
    h6 = 0x1f83d9ab,
    h7 = 0x5be0cd19;
  for (let b = 0; b < blocks; b++) {
    for (let i = 0; i < 16; i++) {
      let w = 0;
      for (let j = 0; j < 4; j++) {
        const p = b * 64 + i * 4 + j;
        const byte = p < len ? text.charCodeAt(p) : p === len ? 0x80 : 0;
        // Unreachable for validated ids; a wrong hash would silently move customers between groups.
        if (p < len && byte > 0x7f) throw new RangeError("sha256First32 takes ASCII text only");
        w = (w << 8) | byte;
      }
      W[i] = w;
    }
    if (b === blocks - 1) {
      W[14] = Math.floor((len * 8) / 2 ** 32);
      W[15] = (len * 8) | 0;
    }
    for (let i = 16; i < 64; i++) {
      const x = W[i - 15],
        y = W[i - 2];
      const s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3);
      const s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y >>> 10);
      W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
    }
    let a = h0,
      bb = h1,
      c = h2,
      d = h3,
      e = h4,
      f = h5,
      g = h6,
      h = h7;
    for (let i = 0; i < 64; i++) {
      const S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
      const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i] + W[i]) | 0;
      const S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
      const t2 = (S0 + ((a & bb) ^ (a & c) ^ (bb & c))) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = bb;
      bb = a;
      a = (t1 + t2) | 0;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + bb) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
    h5 = (h5 + f) | 0;
    h6 = (h6 + g) | 0;
    h7 = (h7 + h) | 0;
  }
  return h0 >>> 0;
}

/** h in [0, 1): the first 32 bits of sha256(campaign + ":" + customerId), over 2^32. */
export function holdoutFraction(campaign: string, customerId: string): number {
  return sha256First32(`${campaign}:${customerId}`) / 2 ** 32;
}

/** Held out iff h < holdout_pct / 100. */
export function isHeldOut(fraction: number, holdoutPct: number): boolean {
  return fraction < holdoutPct / 100;
}

/**
 * The campaign name when a request gives none: the distinct product ids sorted (plain
 * string order) and joined by "+", hashed with SHA-256, first 16 hex digits. Same products,
 * same name. One call per request, so WebCrypto (workerd and Node 20 both have it).
 */
export async function defaultCampaign(productIds: readonly string[]): Promise<string> {
  const sorted = [...new Set(productIds)].sort();
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(sorted.join("+"))),
  );
  let hex = "";
  for (const byte of digest.subarray(0, 8)) hex += byte.toString(16).padStart(2, "0");
  return hex;
}
