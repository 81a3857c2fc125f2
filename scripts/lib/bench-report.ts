// Benchmarks record their figures in docs/benchmarks.md, each in its own marked section,
// so re-running one benchmark replaces its section and leaves the others alone.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";

export const BENCH_FILE = "docs/benchmarks.md";

// A fresh file starts with this; the summary table above the sections is kept by hand,
// one row per benchmark (command, machine, latest result, target), updated with each run.
const HEADER = `# Benchmarks

Every benchmark, its command, the machine, the latest result and the target, in one table.
The sections below it are written by the scripts themselves (\`npm run bench:*\`), each
between its own markers; re-running a script replaces its section.
`;

/** One line naming the machine, so figures are never quoted without it. */
export function machineLine(): string {
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  return `${cpus().length} cores (${cpu}), ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}, ${process.platform}`;
}

export function writeBenchSection(name: string, markdown: string, file = BENCH_FILE): void {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const section = `${start}\n${markdown.trim()}\n${end}`;
  const text = existsSync(file) ? readFileSync(file, "utf8") : HEADER;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  const next =
    from >= 0 && to > from
      ? text.slice(0, from) + section + text.slice(to + end.length)
      : `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, next);
}

/** A markdown table from rows of cells, padded as the formatter pads it, so a fresh run passes lint. */
export function table(head: string[], rows: (string | number)[][]): string {
  const all = [head, ...rows].map((cells) => cells.map(String));
  const widths = head.map((_, i) => Math.max(3, ...all.map((cells) => (cells[i] ?? "").length)));
  const line = (cells: string[]) => `| ${widths.map((w, i) => (cells[i] ?? "").padEnd(w)).join(" | ")} |`;
  const rule = `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`;
  return [line(all[0]), rule, ...all.slice(1).map(line)].join("\n");
}

export function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}
