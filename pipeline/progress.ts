// Progress for long work: a live bar with a rate on a terminal, plain periodic lines
// otherwise (CI logs, pipes), nothing at all when quiet.
import cliProgress from "cli-progress";

export interface Progress {
  update(done: number, total?: number): void;
  stop(summary?: string): void;
}

export interface ProgressOptions {
  label: string;
  unit: string;
  stream?: NodeJS.WriteStream;
  quiet?: boolean;
  /** Plain mode prints at most one line per this many ms. */
  intervalMs?: number;
}

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** Thousands separators for the counts in the bar; other fields as cli-progress has them. */
function formatBarValue(value: number, _options: unknown, type: string): string {
  return type === "value" || type === "total" ? formatCount(value) : String(value);
}

export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const started = Date.now();
  if (options.quiet) return { update() {}, stop() {} };
  if (stream.isTTY) {
    // Without a known total (rows of a CSV are only known at its end) a bar would sit
    // at 100%; show the running count and rate instead.
    const counter = `${options.label} | {value} ${options.unit} | {rate} ${options.unit}/s`;
    const withTotal = `${options.label} [{bar}] {percentage}% | {value}/{total} ${options.unit} | {rate} ${options.unit}/s`;
    let bar: cliProgress.SingleBar | undefined;
    return {
      update(done, total) {
        const rate = formatCount(done / Math.max(0.001, (Date.now() - started) / 1000));
        if (!bar) {
          bar = new cliProgress.SingleBar(
            {
              stream,
              format: total !== undefined ? withTotal : counter,
              hideCursor: true,
              clearOnComplete: false,
              formatValue: formatBarValue,
            },
            cliProgress.Presets.shades_classic,
          );
          bar.start(total ?? done, done, { rate });
        }
        if (total !== undefined) bar.setTotal(total);
        else if (done > bar.getTotal()) bar.setTotal(done);
        bar.update(done, { rate });
      },
      stop(summary) {
        bar?.stop();
        if (summary) stream.write(`${summary}\n`);
      },
    };
  }
  const interval = options.intervalMs ?? 2000;
  let lastLine = 0;
  return {
    update(done, total) {
      const now = Date.now();
      if (now - lastLine < interval) return;
      lastLine = now;
      const rate = formatCount(done / Math.max(0.001, (now - started) / 1000));
      const of =
        total !== undefined
          ? ` of ${formatCount(total)} (${Math.floor((100 * done) / Math.max(1, total))}%)`
          : "";
      stream.write(
        `${options.label}: ${formatCount(done)}${of} ${options.unit}, ${rate} ${options.unit}/s\n`,
      );
    },
    stop(summary) {
      if (summary) stream.write(`${summary}\n`);
    },
  };
}
