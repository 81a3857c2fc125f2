// A campaign's holdout group: whether a customer is held out depends only on the campaign
// and the customer, so every call (any n, any product list) and `audience measure` agree.
// WebCrypto only, which workerd and Node 20 both provide as globalThis.crypto.

const encoder = new TextEncoder();

async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
  let hex = "";
  for (const byte of digest) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

/** h in [0, 1): the first 32 bits of sha256(campaign + ":" + customerId), over 2^32. */
export async function holdoutFraction(campaign: string, customerId: string): Promise<number> {
  const digest = await crypto.subtle.digest("SHA-256", encoder.encode(`${campaign}:${customerId}`));
  return new DataView(digest).getUint32(0) / 2 ** 32;
}

/** Held out iff h < holdout_pct / 100. */
export function isHeldOut(fraction: number, holdoutPct: number): boolean {
  return fraction < holdoutPct / 100;
}

/**
 * The campaign name when a request gives none: the distinct product ids sorted (plain
 * string order) and joined by "+", hashed, first 16 hex digits. Same products, same name.
 */
export async function defaultCampaign(productIds: readonly string[]): Promise<string> {
  const sorted = [...new Set(productIds)].sort();
  return (await sha256Hex(sorted.join("+"))).slice(0, 16);
}
