// Upload progress in wrangler's words: "Uploaded 40% (20,000 of 50,000 keys, 3 requests
// in flight)". One line rewritten in place on a terminal; plain lines, at most one per
// interval, when stderr is a pipe or a CI log.

export function formatUploadLine(done: number, total: number, inFlight: number): string {
  const n = (x: number) => x.toLocaleString("en-US");
  const pct = Math.floor((100 * done) / Math.max(1, total));
  return `Uploaded ${pct}% (${n(done)} of ${n(total)} keys, ${inFlight} request${inFlight === 1 ? "" : "s"} in flight)`;
}

export interface UploadProgress {
  update(done: number, total: number): void;
  stop(summary?: string): void;
}

export function createUploadProgress(options: {
  inFlight: () => number;
  stream?: NodeJS.WriteStream;
  quiet?: boolean;
  intervalMs?: number;
}): UploadProgress {
  const stream = options.stream ?? process.stderr;
  if (options.quiet) return { update() {}, stop() {} };
  let done = 0;
  let total = 0;
  let shown = false;
  if (stream.isTTY) {
    const draw = () => {
      stream.write(`\r\x1b[2K${formatUploadLine(done, total, options.inFlight())}`);
      shown = true;
    };
    // Redrawn on a timer too, so "requests in flight" moves while a big part is on the wire.
    const timer = setInterval(() => shown && draw(), 250);
    timer.unref();
    return {
      update(d, t) {
        done = d;
        total = t;
        draw();
      },
      stop(summary) {
        clearInterval(timer);
        if (shown) stream.write("\n");
        if (summary) stream.write(`${summary}\n`);
      },
    };
  }
  const interval = options.intervalMs ?? 2000;
  let last = 0;
  return {
    update(d, t) {
      done = d;
      total = t;
      const now = Date.now();
      if (now - last < interval && d < t) return;
      last = now;
      stream.write(`${formatUploadLine(done, total, options.inFlight())}\n`);
    },
    stop(summary) {
      if (summary) stream.write(`${summary}\n`);
    },
  };
}
