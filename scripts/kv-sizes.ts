// KV keys and value bytes of a build, per key kind (rec, why, search, …): what a build will
// store, read from its bulk files. Usage: tsx scripts/kv-sizes.ts BUILD_DIR [BASE_BUILD_DIR]
// (with a second build of the same input, each kind's growth against it).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

interface Kind {
  keys: number;
  bytes: number;
  largest: number;
}

function sizes(dir: string): Map<string, Kind> {
  const kinds = new Map<string, Kind>();
  for (const file of readdirSync(join(dir, "kv")).sort()) {
    const pairs = JSON.parse(readFileSync(join(dir, "kv", file), "utf8")) as { key: string; value: string }[];
    for (const { key, value } of pairs) {
      // v/<version>/<kind>/…
      const name = key.split("/")[2] ?? key;
      const kind = kinds.get(name) ?? { keys: 0, bytes: 0, largest: 0 };
      const bytes = Buffer.byteLength(value);
      kind.keys++;
      kind.bytes += bytes;
      kind.largest = Math.max(kind.largest, bytes);
      kinds.set(name, kind);
    }
  }
  return kinds;
}

const [dir, baseDir] = process.argv.slice(2);
if (!dir) {
  process.stderr.write("usage: tsx scripts/kv-sizes.ts BUILD_DIR [BASE_BUILD_DIR]\n");
  process.exit(2);
}
const total = (kinds: Map<string, Kind>) =>
  [...kinds.values()].reduce((t, k) => ({ keys: t.keys + k.keys, bytes: t.bytes + k.bytes }), {
    keys: 0,
    bytes: 0,
  });
const kinds = sizes(dir);
const all = total(kinds);
const n = (x: number) => x.toLocaleString("en-US");
const lines = ["| kind | keys | value bytes | largest value |", "| --- | --- | --- | --- |"];
for (const [name, k] of [...kinds].sort((a, b) => b[1].bytes - a[1].bytes))
  lines.push(`| ${name} | ${n(k.keys)} | ${n(k.bytes)} | ${n(k.largest)} |`);
lines.push(`| all | ${n(all.keys)} | ${n(all.bytes)} | |`);
if (baseDir) {
  const base = total(sizes(baseDir));
  const pct = (a: number, b: number) => `${((a / b - 1) * 100).toFixed(1)}%`;
  lines.push(
    "",
    `Against ${baseDir}: keys ${n(base.keys)} → ${n(all.keys)} (+${pct(all.keys, base.keys)}), value bytes ${n(base.bytes)} → ${n(all.bytes)} (+${pct(all.bytes, base.bytes)}).`,
  );
}
process.stdout.write(`${lines.join("\n")}\n`);
