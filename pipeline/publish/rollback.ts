// Point meta/current back at a retained version (default: the one published before the
// live one, publish-order.ts), after checking that version is whole
// enough to serve: its meta, its sample list and its fallback audiences must be there,
// and when the versions were listed, its key count must match what its meta promises.
import { keys, POINTER_KEY } from "../../worker/contract.js";
import { RunError, UsageError } from "../errors.js";
import { previousPublished, readPublishOrder } from "./publish-order.js";
import type { KvTarget } from "./target.js";
import { listVersions, pointerFromMeta, readMeta, readPointer, type StoredVersion } from "./versions.js";

export interface RollbackResult {
  from?: string;
  to: string;
}

export async function rollback(target: KvTarget, to?: string): Promise<RollbackResult> {
  const live = (await readPointer(target))?.version;
  let listed: StoredVersion[] | undefined;
  if (!to) {
    if (!live)
      throw new UsageError(`nothing is published on ${target.name}: there is nothing to roll back from`);
    listed = await listVersions(target);
    const others = listed.filter((v) => v.version !== live).map((v) => v.version);
    const hint = others.length ? `; pass --to with one of: ${others.join(", ")}` : "";
    const byPublish = previousPublished(await readPublishOrder(target), live, new Set(others));
    if (byPublish.known) {
      if (!byPublish.version) throw new UsageError(`no retained version older than the live ${live}${hint}`);
      to = byPublish.version;
    } else {
      // Published before the order was recorded: build time is the best guess left.
      const earlier = listed.filter((v) => v.version < live);
      if (earlier.length === 0)
        throw new UsageError(`no retained version older than the live ${live}${hint}`);
      to = earlier[earlier.length - 1].version;
    }
  }
  if (to === live) throw new UsageError(`${to} is already live`);

  const meta = await readMeta(target, to);
  if (!meta || meta.version !== to)
    throw new UsageError(`version ${to} is not retained on ${target.name} (no readable ${keys.meta(to)})`);
  const required = [keys.sample(to), ...meta.variants.map((n) => keys.fallback(to!, n))];
  for (const key of required) {
    if ((await target.get(key)) === null)
      throw new RunError(`version ${to} is incomplete (${key} is missing): not switching`);
  }
  const count = listed?.find((v) => v.version === to)?.keys;
  if (count !== undefined && typeof meta.counts?.keys === "number" && count < meta.counts.keys) {
    throw new RunError(`version ${to} is incomplete (${count} of ${meta.counts.keys} keys): not switching`);
  }
  await target.putBulk([{ key: POINTER_KEY, value: JSON.stringify(pointerFromMeta(meta)) }]);
  return { from: live, to };
}
