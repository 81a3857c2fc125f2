// What publish needs from a KV store, whichever it is (local Miniflare or the
// Cloudflare REST API): bulk writes, reads, bulk deletes and listing by prefix.
import type { KvPair } from "../build/serialize.js";

export interface KvTarget {
  readonly name: string;
  /** Writes every pair or throws; a retrying target only throws once it gives up. */
  putBulk(pairs: KvPair[]): Promise<void>;
  get(key: string): Promise<string | null>;
  deleteBulk(keys: string[]): Promise<void>;
  listKeys(prefix: string): Promise<string[]>;
  close(): Promise<void>;
}
