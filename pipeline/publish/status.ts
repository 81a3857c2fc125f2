// What a target serves right now: the live version, its age, its key count (listed,
// next to what its meta promises) and every version retained.
import type { KvTarget } from "./target.js";
import { listVersions, readMeta, readPointer } from "./versions.js";

export interface TargetStatus {
  target: string;
  live: null | {
    version: string;
    generated_at: string;
    age_seconds: number | null;
    keys: number;
    expected_keys: number | null;
    products: number;
  };
  versions: { version: string; keys: number; live: boolean }[];
}

export async function targetStatus(target: KvTarget, now = new Date()): Promise<TargetStatus> {
  const pointer = await readPointer(target);
  const versions = await listVersions(target);
  if (!pointer)
    return { target: target.name, live: null, versions: versions.map((v) => ({ ...v, live: false })) };
  const meta = await readMeta(target, pointer.version);
  const generated = Date.parse(pointer.generated_at);
  return {
    target: target.name,
    live: {
      version: pointer.version,
      generated_at: pointer.generated_at,
      age_seconds: Number.isNaN(generated)
        ? null
        : Math.max(0, Math.round((now.getTime() - generated) / 1000)),
      keys: versions.find((v) => v.version === pointer.version)?.keys ?? 0,
      expected_keys: typeof meta?.counts?.keys === "number" ? meta.counts.keys : null,
      products: pointer.products,
    },
    versions: versions.map((v) => ({ ...v, live: v.version === pointer.version })),
  };
}

/** 90 s → "1 min", 7,500 s → "2 h 5 min", 3 days → "3 d 0 h". */
export function formatAge(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

export function formatStatus(s: TargetStatus): string {
  const n = (x: number) => x.toLocaleString("en-US");
  const lines = [`target: ${s.target}`];
  if (!s.live) {
    lines.push("live: nothing published (no meta/current)");
  } else {
    const age = s.live.age_seconds === null ? "unknown age" : `${formatAge(s.live.age_seconds)} old`;
    lines.push(`live: ${s.live.version} (generated ${s.live.generated_at}, ${age})`);
    const expected = s.live.expected_keys;
    const check =
      expected === null
        ? ""
        : s.live.keys >= expected
          ? " (complete)"
          : ` (INCOMPLETE: its meta lists ${n(expected)})`;
    lines.push(`keys: ${n(s.live.keys)}${check}, ${n(s.live.products)} products`);
  }
  lines.push(`retained versions: ${s.versions.length}`);
  for (const v of [...s.versions].reverse())
    lines.push(`  ${v.version}  ${n(v.keys)} keys${v.live ? "  (live)" : ""}`);
  return lines.join("\n");
}
