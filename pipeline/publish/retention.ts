// Which versions stay after a successful switch. Kept, whatever N says:
//  - the live version;
//  - the version that was live just before the switch: workers cache the pointer for
//    up to CACHE_TTL_SECONDS and KV takes up to a minute to propagate it, so requests
//    are still reading that version right now (and it is where a rollback goes);
//  - any version newer than the live one: it may be another analyst's upload in
//    progress, or the version a rollback stepped back from (dropped by the next publish).
// Then the newest others until N are kept; everything older is deleted.
//
// Finding versions costs a list request per 1,000 keys in the namespace (millions of keys
// at full size). So when live + previous already fill N (the default N = 2 after any
// publish that replaced another version), nothing needs discovering: the oldest version is
// probed with one small list request and deleted, and again, until the oldest is one to
// keep. A version sitting between the previous and the live one (a version a rollback
// stepped away from, an abandoned upload) is then removed once it becomes the oldest.
// Keys are deleted by the old build's manifest when its directory is still on this
// machine, and listed otherwise.
import { POINTER_KEY } from "../../worker/contract.js";
import type { KvTarget } from "./target.js";
import { deleteVersion, listVersions, oldestVersion, readPointer } from "./versions.js";

export interface RetentionPlan {
  keep: string[];
  remove: string[];
}

export function planRetention(
  versions: string[],
  live: string,
  previousLive: string | undefined,
  retain: number,
): RetentionPlan {
  const all = [...new Set([...versions, live])].sort();
  const keep = new Set<string>([live]);
  if (previousLive && all.includes(previousLive)) keep.add(previousLive);
  for (const v of all) if (v > live) keep.add(v);
  const older = all.filter((v) => v < live && !keep.has(v)).reverse();
  let kept = [...keep].filter((v) => v <= live).length;
  for (const v of older) {
    if (kept >= retain) break;
    keep.add(v);
    kept++;
  }
  return { keep: all.filter((v) => keep.has(v)), remove: all.filter((v) => !keep.has(v)) };
}

export interface RetentionRun {
  live: string;
  /** What `meta/current` named just before the switch. */
  previous?: string;
  retain: number;
  /** Folder holding build directories (out/builds), to delete by manifest. */
  buildsRoot?: string;
  note?: (line: string) => void;
}

/** After a switch: delete versions beyond `retain`. Never throws; a failure comes back as `error`. */
export async function applyRetention(
  target: KvTarget,
  run: RetentionRun,
): Promise<RetentionPlan & { error?: string }> {
  const note = run.note ?? (() => {});
  const { live, retain } = run;
  const previous = run.previous && run.previous < live ? run.previous : undefined;
  const removed: string[] = [];
  let plan: RetentionPlan = { keep: [live], remove: removed };
  const remove = async (version: string) => {
    const n = await deleteVersion(target, version, run.buildsRoot);
    removed.push(version);
    note(`removed old version ${version} (${n.toLocaleString("en-US")} keys)`);
  };
  try {
    const now = (await readPointer(target))?.version;
    if (now !== live) {
      note(
        `retention skipped: ${POINTER_KEY} now points at ${now ?? "nothing"}, not ${live} (another publish or rollback?)`,
      );
      return plan;
    }
    if (retain <= (previous ? 2 : 1)) {
      plan = { keep: previous ? [previous, live] : [live], remove: removed };
      for (;;) {
        const oldest = await oldestVersion(target);
        // A listing can lag deletes by up to a minute: a version seen again is left for next time.
        if (!oldest || oldest === previous || oldest >= live || removed.includes(oldest)) return plan;
        await remove(oldest);
      }
    }
    const versions = await listVersions(target);
    plan = planRetention(
      versions.map((v) => v.version),
      live,
      previous,
      retain,
    );
    for (const version of plan.remove) await remove(version);
    return plan;
  } catch (err) {
    return { ...plan, remove: removed, error: (err as Error).message };
  }
}
