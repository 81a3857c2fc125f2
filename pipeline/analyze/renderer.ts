// The chart renderer: a worker thread (render-worker.mjs) that turns vega-lite specs
// into SVG. `preloadRenderer()` starts it before the ingest so vega loads in parallel;
// `renderSpecs()` uses that one, or starts its own.
import { Worker } from "node:worker_threads";
import type { TopLevelSpec } from "vega-lite";

type Reply = { id: number; svgs?: string[]; error?: string; ready?: boolean };

class Renderer {
  private readonly worker = new Worker(new URL("./render-worker.mjs", import.meta.url));
  private next = 1;
  private readonly pending = new Map<
    number,
    { resolve: (svgs: string[]) => void; reject: (err: Error) => void }
  >();
  private failure: Error | undefined;

  constructor() {
    this.worker.on("message", (reply: Reply) => {
      if (reply.ready) return;
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (reply.error !== undefined) p.reject(new Error(`chart rendering failed: ${reply.error}`));
      else p.resolve(reply.svgs!);
    });
    this.worker.on("error", (err) => this.fail(err));
    this.worker.on("exit", (code) => this.fail(new Error(`chart renderer stopped (exit ${code})`)));
    // After the listeners: adding a "message" listener refs the worker again, and an idle
    // preloaded renderer must not keep the process alive (say, after a usage error).
    this.worker.unref();
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  render(specs: TopLevelSpec[]): Promise<string[]> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ id, specs });
    }).finally(() => {
      if (this.pending.size === 0) this.worker.unref();
    }) as Promise<string[]>;
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}

let preloaded: Renderer | undefined;

/** Starts loading the renderer now, so it is ready when the data is. */
export function preloadRenderer(): void {
  preloaded ??= new Renderer();
}

export async function renderSpecs(specs: TopLevelSpec[]): Promise<string[]> {
  const renderer = preloaded ?? new Renderer();
  preloaded = undefined;
  try {
    return await renderer.render(specs);
  } finally {
    await renderer.close();
  }
}
