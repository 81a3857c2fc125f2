// The build's side of the serialize thread (serialize-thread.ts): audiences are copied into
// flat batches and handed over, with a bounded number of batches in flight so a thread that
// falls behind slows the ranking down instead of queueing the whole build in memory.
import { Worker } from "node:worker_threads";
import type { Audience } from "../model/types.js";
import type { FromThread, InitMessage, ThreadResult, ToThread } from "./serialize-protocol.js";

const BATCH_PRODUCTS = 256;
const MAX_BATCHES_IN_FLIGHT = 16;

export class SerializeThread {
  private readonly worker = new Worker(new URL("./serialize-worker.mjs", import.meta.url));
  private readonly result: Promise<ThreadResult>;
  private failure: Error | undefined;
  private inFlight = 0;
  private wake: (() => void) | undefined;
  private batch: { products: Int32Array; offsets: Int32Array; customers: Int32Array; scores: Float64Array; count: number } | undefined;
  private maxN = 0;

  constructor() {
    this.result = new Promise<ThreadResult>((resolve, reject) => {
      const fail = (err: Error) => {
        this.failure ??= err;
        this.wake?.();
        reject(this.failure);
      };
      this.worker.on("message", (m: FromThread) => {
        if (m.type === "ack") {
          this.inFlight--;
          this.wake?.();
        } else if (m.type === "done") resolve(m);
        else fail(new Error(`serialize thread failed: ${m.message}`));
      });
      this.worker.on("error", fail);
      this.worker.on("exit", (code) => fail(new Error(`serialize thread exited early (code ${code})`)));
    });
    // Failures surface through add()/finish(); a build abandoned early must not leave an unhandled rejection.
    this.result.catch(() => undefined);
  }

  init(message: Omit<InitMessage, "type">, maxN: number): void {
    this.maxN = maxN;
    this.send({ type: "init", ...message });
  }

  /** Queues one product's audience (copied: the ranker reuses its arrays). */
  async add(product: number, audience: Audience): Promise<void> {
    if (this.failure) throw this.failure;
    let b = this.batch;
    if (!b) {
      b = this.batch = {
        products: new Int32Array(BATCH_PRODUCTS),
        offsets: new Int32Array(BATCH_PRODUCTS + 1),
        customers: new Int32Array(BATCH_PRODUCTS * this.maxN),
        scores: new Float64Array(BATCH_PRODUCTS * this.maxN),
        count: 0,
      };
    }
    const at = b.offsets[b.count];
    b.customers.set(audience.customers, at);
    b.scores.set(audience.scores, at);
    b.products[b.count++] = product;
    b.offsets[b.count] = at + audience.customers.length;
    if (b.count === BATCH_PRODUCTS) await this.flush();
  }

  async fallback(audience: Audience): Promise<void> {
    await this.flush();
    this.send({ type: "fallback", customers: Int32Array.from(audience.customers), scores: Float64Array.from(audience.scores) });
  }

  async pair(key: string, value: string): Promise<void> {
    await this.flush();
    this.send({ type: "pair", pair: { key, value } });
  }

  async finish(): Promise<ThreadResult> {
    await this.flush();
    this.send({ type: "finish" });
    return this.result;
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }

  private async flush(): Promise<void> {
    const b = this.batch;
    if (!b || b.count === 0) return;
    this.batch = undefined;
    const end = b.offsets[b.count];
    const message: ToThread = {
      type: "batch",
      products: b.products.subarray(0, b.count),
      offsets: b.offsets.subarray(0, b.count + 1),
      customers: b.customers.subarray(0, end),
      scores: b.scores.subarray(0, end),
    };
    this.inFlight++;
    this.send(message, [b.products.buffer, b.offsets.buffer, b.customers.buffer, b.scores.buffer] as ArrayBuffer[]);
    while (this.inFlight > MAX_BATCHES_IN_FLIGHT && !this.failure) await new Promise<void>((resolve) => (this.wake = resolve));
    if (this.failure) throw this.failure;
  }

  private send(message: ToThread, transfer: ArrayBuffer[] = []): void {
    if (this.failure) throw this.failure;
    this.worker.postMessage(message, transfer);
  }
}
