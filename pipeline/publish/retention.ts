// Which versions stay after a successful switch. Kept, whatever N says:
//  - the live version;
//  - the version that was live just before the switch: workers cache the pointer for
//    up to CACHE_TTL_SECONDS and KV takes up to a minute to propagate it, so requests
//    are still reading that version right now (and it is where a rollback goes);
//  - any version newer than the live one: it may be another analyst's upload in
//    progress, or the version a rollback stepped back from (dropped by the next publish).
// Then the newest others until N are kept; everything older is deleted.

export interface RetentionPlan {
  keep: string[];
  remove: string[];
}

export function planRetention(versions: string[], live: string, previousLive: string | undefined, retain: number): RetentionPlan {
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
