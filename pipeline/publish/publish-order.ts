// The order versions went live by publish, kept in the target itself (`meta/published`,
// a JSON array of versions, oldest first), so `rollback` steps back to the version
// published before the live one, not to the one whose name sorts before it: an older
// build published after a newer one must roll back to that newer one. Only publish
// appends (a rollback moves the pointer along this list, it does not extend it).
// Workers never read this key; it sits outside v/ so retention and status ignore it.
import type { KvTarget } from "./target.js";

export const PUBLISHED_KEY = "meta/published";
/** Rollback only ever needs the last few; the list stays one small value. */
const KEEP = 50;

export async function readPublishOrder(target: KvTarget): Promise<string[] | undefined> {
  const text = await target.get(PUBLISHED_KEY);
  if (!text) return undefined;
  try {
    const list = JSON.parse(text) as unknown;
    return Array.isArray(list) && list.every((v) => typeof v === "string") ? list : undefined;
  } catch {
    return undefined;
  }
}

/** After a switch: `version` becomes the newest entry (unchanged when it already is). */
export async function recordPublished(target: KvTarget, version: string): Promise<void> {
  const list = (await readPublishOrder(target)) ?? [];
  if (list[list.length - 1] === version) return;
  const next = [...list, version].slice(-KEEP);
  await target.putBulk([{ key: PUBLISHED_KEY, value: JSON.stringify(next) }]);
}

/**
 * Where a rollback from `live` goes: the latest version published before live's last
 * publish that is still retained. Undefined when the order does not know `live` (then
 * the caller falls back to name order) or nothing retained was published before it.
 */
export function previousPublished(
  order: string[] | undefined,
  live: string,
  retained: ReadonlySet<string>,
): { known: boolean; version?: string } {
  const at = order ? order.lastIndexOf(live) : -1;
  if (!order || at < 0) return { known: false };
  for (let i = at - 1; i >= 0; i--)
    if (order[i] !== live && retained.has(order[i])) return { known: true, version: order[i] };
  return { known: true };
}
