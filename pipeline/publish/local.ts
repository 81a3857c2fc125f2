// The local target: the same KV store `wrangler dev` reads (.wrangler/state/v3/kv,
// namespace id from wrangler.toml), driven through Miniflare.
import { Miniflare } from "miniflare";
import type { KvPair } from "../build/serialize.js";
import type { KvTarget } from "./target.js";

export const DEFAULT_LOCAL_PERSIST = ".wrangler/state/v3/kv";
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

async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  });
  await Promise.all(lanes);
}

export async function openLocalTarget(namespaceId: string, persistDir = DEFAULT_LOCAL_PERSIST): Promise<KvTarget> {
  const mf = new Miniflare({
    modules: true,
    script: "export default { fetch() { return new Response(null, { status: 204 }); } }",
    kvNamespaces: { RECS: namespaceId },
    kvPersist: persistDir,
  });
  const kv = (await mf.getKVNamespace("RECS")) as unknown as LocalKv;
  return {
    name: `local (${persistDir}, namespace ${namespaceId})`,
    putBulk: (pairs: KvPair[]) => inParallel(pairs, CONCURRENCY, (p) => kv.put(p.key, p.value)),
    get: (key) => kv.get(key),
    deleteBulk: (keys) => inParallel(keys, CONCURRENCY, (k) => kv.delete(k)),
    async listKeys(prefix) {
      const out: string[] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = await kv.list({ prefix, cursor, limit: 1000 });
        out.push(...page.keys.map((k) => k.name));
        if (page.list_complete || !page.cursor) return out;
        cursor = page.cursor;
      }
    },
    close: () => mf.dispose(),
  };
}
