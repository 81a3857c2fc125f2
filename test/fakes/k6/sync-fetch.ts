// k6's http.get is synchronous; Node's fetch is not. To run a k6 script's code against
// a real server in Node, each request is made by a worker thread while the main thread
// waits on a shared buffer (Atomics.wait), which gives the script the synchronous call
// it expects. Test use only: one request at a time.
import { Worker } from "node:worker_threads";
import type { ShimRequest, ShimResponse } from "./state.js";

const WORKER = `
const { parentPort } = require("node:worker_threads");
parentPort.on("message", async ({ req, shared }) => {
  const flag = new Int32Array(shared, 0, 2);
  let out;
  try {
    const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body });
    out = { status: res.status, body: await res.text(), headers: Object.fromEntries(res.headers) };
  } catch (err) {
    out = { status: 0, body: null, error: String(err) };
  }
  const bytes = new TextEncoder().encode(JSON.stringify(out));
  new Uint8Array(shared, 8).set(bytes.subarray(0, shared.byteLength - 8));
  flag[1] = bytes.length;
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

export interface SyncFetcher {
  request(req: ShimRequest): ShimResponse;
  close(): Promise<number>;
}

export function syncFetcher(bufferBytes = 4 * 1024 * 1024): SyncFetcher {
  const worker = new Worker(WORKER, { eval: true });
  return {
    request(req) {
      const shared = new SharedArrayBuffer(bufferBytes);
      const flag = new Int32Array(shared, 0, 2);
      worker.postMessage({
        req: { method: req.method, url: req.url, headers: req.headers, body: req.body },
        shared,
      });
      if (Atomics.wait(flag, 0, 0, 10_000) === "timed-out") return { status: 0, body: null };
      const text = new TextDecoder().decode(new Uint8Array(shared, 8, flag[1]));
      return JSON.parse(text) as ShimResponse;
    },
    close: () => worker.terminate(),
  };
}
