// The local target: the same KV store `wrangler dev` reads (.wrangler/state/v3/kv,
// namespace id from wrangler.toml), driven through Miniflare.
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { Miniflare } from "miniflare";
import { UsageError } from "../errors.js";
import type { KvPair } from "../serialize/manifest.js";
import { inParallel } from "./in-parallel.js";
import { collectKeys, type KvTarget } from "./target.js";

export const DEFAULT_LOCAL_PERSIST = ".wrangler/state/v3/kv";
// Miniflare's KV takes one write per key; this many in parallel keeps it busy without
// piling up thousands of pending promises.
const CONCURRENCY = 64;

type LocalKv = {
  put(key: string, value: string): Promise<void>;
  get(key: string): Promise<string | null>;
  delete(key: string): Promise<void>;
  list(options: { prefix?: string; cursor?: string; limit?: number }): Promise<{
    keys: { name: string }[];
    list_complete: boolean;
    cursor?: string;
  }>;
};

export function localTargetName(
  namespaceId: string,
  persistDir = DEFAULT_LOCAL_PERSIST,
): { name: string; identity: string } {
  return {
    name: `local KV (${persistDir}, namespace ${namespaceId})`,
    identity: `local:${resolve(persistDir)}#${namespaceId}`,
  };
}

export async function openLocalTarget(
  namespaceId: string,
  persistDir = DEFAULT_LOCAL_PERSIST,
): Promise<KvTarget> {
  const mf = new Miniflare({
    modules: true,
    script: "export default { fetch() { return new Response(null, { status: 204 }); } }",
    kvNamespaces: { RECS: namespaceId },
    kvPersist: persistDir,
  });
  const kv = (await mf.getKVNamespace("RECS")) as unknown as LocalKv;
  let inFlight = 0;
  const counted = async <T>(work: () => Promise<T>): Promise<T> => {
    inFlight++;
    try {
      return await work();
    } finally {
      inFlight--;
    }
  };
  async function* listPages(prefix: string, pageSize = 1000): AsyncIterable<string[]> {
    let cursor: string | undefined;
    for (;;) {
      const page = await kv.list({ prefix, cursor, limit: pageSize });
      yield page.keys.map((k) => k.name);
      if (page.list_complete || !page.cursor) return;
      cursor = page.cursor;
    }
  }
  return {
    ...localTargetName(namespaceId, persistDir),
    partConcurrency: 1,
    // Each put is its own request to workerd, so each counts as one in flight.
    putBulk: (pairs: KvPair[], _body?: Buffer, onKeys?: (n: number) => void) =>
      inParallel(pairs, CONCURRENCY, async (p) => {
        await counted(() => kv.put(p.key, p.value));
        onKeys?.(1);
      }),
    get: (key) => counted(() => kv.get(key)),
    deleteBulk: (keys) => inParallel(keys, CONCURRENCY, (k) => counted(() => kv.delete(k))),
    listPages,
    listKeys: (prefix) => collectKeys(listPages(prefix)),
    inFlight: () => inFlight,
    close: () => mf.dispose(),
  };
}

/**
 * For commands that only read (status, rollback): the local store must already exist.
 * Opening Miniflare on a mistyped --persist-to would create that folder and report an
 * empty store, hiding the typo.
 */
export async function requireLocalStore(persistDir = DEFAULT_LOCAL_PERSIST): Promise<void> {
  const info = await stat(persistDir).catch(() => undefined);
  if (!info?.isDirectory())
    throw new UsageError(
      `no local KV store at ${persistDir}: nothing was ever published there (check --persist-to; publish creates it)`,
    );
}
