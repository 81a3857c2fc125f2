// What publish needs from a KV store, whichever it is (local Miniflare or the
// Cloudflare REST API): bulk writes, reads, bulk deletes and listing by prefix.
import type { KvPair } from "../serialize/manifest.js";

export interface KvTarget {
  /** For people: where the keys go. Never holds a secret. */
  readonly name: string;
  /** For the checkpoint: the same store gives the same identity (no token, ever). */
  readonly identity: string;
  /** How many build parts publish sends at once. */
  readonly partConcurrency: number;
  /**
   * Writes every pair or throws; a retrying target only throws once it gives up.
   * `body`, when given, is `pairs` already serialized as a bulk JSON array (a build part
   * file), so a remote target can send the bytes as they are. `onKeys` hears about keys
   * written before the whole call returns (a target writing key by key reports as it goes).
   */
  putBulk(pairs: KvPair[], body?: Buffer, onKeys?: (n: number) => void): Promise<void>;
  get(key: string): Promise<string | null>;
  deleteBulk(keys: string[]): Promise<void>;
  /** Every key under `prefix`, page by page (a namespace can hold millions); `pageSize` ≤ 1,000. */
  listPages(prefix: string, pageSize?: number): AsyncIterable<string[]>;
  listKeys(prefix: string): Promise<string[]>;
  /** Requests on the wire right now (for progress lines). */
  inFlight(): number;
  close(): Promise<void>;
}

export async function collectKeys(pages: AsyncIterable<string[]>): Promise<string[]> {
  const out: string[] = [];
  for await (const page of pages) out.push(...page);
  return out;
}
