// The build's side of the serialize thread (serialize-thread.ts): audiences are copied into
// flat batches and handed over, with a bounded number of batches in flight so a thread that
// falls behind slows the ranking down instead of queueing the whole build in memory.
// When the thread has a long backlog this side renders whole batches itself (the thread
// then only writes them), so the two threads balance themselves. Ranking is the critical
// path, so this side helps only late (RENDER_HERE_AT): rendering here earlier takes time
// from the ranking that the thread would have spent anyway. Why the bytes are the same
// whichever side renders: docs/threads.md.
import { Worker } from "node:worker_threads";
import type { Audience } from "../model/types.js";
import type { KvPair } from "./manifest.js";
import { LIST_SLACK, Renderer, type ResponseContext } from "./serialize.js";
import type { FromThread, InitMessage, SearchMessage, ThreadResult, ToThread } from "./serialize-protocol.js";

const BATCH_PRODUCTS = 256;
const MAX_BATCHES_IN_FLIGHT = 16;
/** With this many batches waiting on the thread, the next batch is rendered here. */
const RENDER_HERE_AT = 8;

interface RawBatch {
  rendered: false;
  products: Int32Array;
  offsets: Int32Array;
  customers: Int32Array;
  scores: Float64Array;
  why: string[];
  count: number;
}

interface RenderedBatch {
  rendered: true;
  products: Int32Array;
  lengths: Int32Array;
  listStarts: Int32Array;
  lists: Uint8Array;
  variantEnds: Int32Array;
  why: string[];
  count: number;
}

export class SerializeThread {
  private readonly worker = new Worker(new URL("./serialize-worker.mjs", import.meta.url));
  private readonly result: Promise<ThreadResult>;
  private failure: Error | undefined;
  private inFlight = 0;
  private wake: (() => void) | undefined;
  private batch: RawBatch | RenderedBatch | undefined;
  private maxN = 0;
  private ctx: ResponseContext | undefined;
  private renderer: Renderer | undefined;
  /** Buffers of batches the thread has finished, reused (allocating each batch anew kept the GC busy). */
  private readonly spareRaw: ArrayBuffer[][] = [];
  private readonly spareRendered: ArrayBuffer[][] = [];

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
          (m.kind === "batch" ? this.spareRaw : this.spareRendered).push(m.buffers);
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

  /** The name search index's input: the thread builds the index while this side ranks. */
  search(message: Omit<SearchMessage, "type">): void {
    this.send({ type: "search", ...message });
  }

  /** `ctx` must describe the same build as `message` (this side renders with it). */
  init(message: Omit<InitMessage, "type">, ctx: ResponseContext): void {
    this.ctx = ctx;
    this.maxN = Math.max(...ctx.variants);
    this.send({ type: "init", ...message });
  }

  /**
   * Queues one product's audience (copied or rendered now: the ranker reuses its arrays)
   * and its stored reasons (JSON).
   */
  async add(product: number, audience: Audience, why: string): Promise<void> {
    if (this.failure) throw this.failure;
    const b = (this.batch ??= this.inFlight >= RENDER_HERE_AT ? this.renderedBatch() : this.rawBatch());
    if (b.rendered) {
      const at = b.listStarts[b.count];
      b.lengths[b.count] = audience.customers.length;
      b.listStarts[b.count + 1] =
        at +
        this.renderer!.renderList(audience, b.lists, at, b.variantEnds, b.count * this.ctx!.variants.length);
    } else {
      const at = b.offsets[b.count];
      b.customers.set(audience.customers, at);
      b.scores.set(audience.scores, at);
      b.offsets[b.count + 1] = at + audience.customers.length;
    }
    b.why.push(why);
    b.products[b.count++] = product;
    if (b.count === BATCH_PRODUCTS) await this.flush();
  }

  async fallback(audience: Audience): Promise<void> {
    await this.flush();
    this.send({
      type: "fallback",
      customers: Int32Array.from(audience.customers),
      scores: Float64Array.from(audience.scores),
    });
  }

  async pair(key: string, value: string): Promise<void> {
    await this.flush();
    this.send({ type: "pair", pair: { key, value } });
  }

  /**
   * Many pairs in one message (a message per pair costs more than writing it), as two long
   * strings and their lengths: cloning one string is far cheaper than thousands of objects.
   */
  async pairs(pairs: KvPair[]): Promise<void> {
    await this.flush();
    const lengths = new Int32Array(2 * pairs.length);
    pairs.forEach((pair, i) => {
      lengths[2 * i] = pair.key.length;
      lengths[2 * i + 1] = pair.value.length;
    });
    this.send({ type: "pairs", text: pairs.map((pair) => pair.key + pair.value).join(""), lengths }, [
      lengths.buffer,
    ]);
  }

  /**
   * Voids every audience added so far: the thread deletes what it wrote of them (pairs sent
   * before them are not kept either, so call this before any pair) and starts its files anew.
   */
  async restart(): Promise<void> {
    if (this.failure) throw this.failure;
    this.batch = undefined;
    this.send({ type: "restart" });
  }

  async finish(): Promise<ThreadResult> {
    await this.flush();
    this.send({ type: "finish" });
    return this.result;
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }

  private rawBatch(): RawBatch {
    const spare = this.spareRaw.pop();
    if (spare) {
      const [products, offsets, customers, scores] = spare;
      return {
        rendered: false,
        products: new Int32Array(products),
        offsets: new Int32Array(offsets),
        customers: new Int32Array(customers),
        scores: new Float64Array(scores),
        why: [],
        count: 0,
      };
    }
    return {
      rendered: false,
      products: new Int32Array(BATCH_PRODUCTS),
      offsets: new Int32Array(BATCH_PRODUCTS + 1),
      customers: new Int32Array(BATCH_PRODUCTS * this.maxN),
      scores: new Float64Array(BATCH_PRODUCTS * this.maxN),
      why: [],
      count: 0,
    };
  }

  private renderedBatch(): RenderedBatch {
    // Built on first use: a build whose thread keeps up never pays for it.
    const renderer = (this.renderer ??= new Renderer(this.ctx!, '\\"'));
    const spare = this.spareRendered.pop();
    if (spare) {
      const [products, lengths, listStarts, lists, variantEnds] = spare;
      return {
        rendered: true,
        products: new Int32Array(products),
        lengths: new Int32Array(lengths),
        listStarts: new Int32Array(listStarts),
        lists: new Uint8Array(lists),
        variantEnds: new Int32Array(variantEnds),
        why: [],
        count: 0,
      };
    }
    return {
      rendered: true,
      products: new Int32Array(BATCH_PRODUCTS),
      lengths: new Int32Array(BATCH_PRODUCTS),
      listStarts: new Int32Array(BATCH_PRODUCTS + 1),
      lists: new Uint8Array(BATCH_PRODUCTS * this.maxN * renderer.maxItemBytes + LIST_SLACK),
      variantEnds: new Int32Array(BATCH_PRODUCTS * this.ctx!.variants.length),
      why: [],
      count: 0,
    };
  }

  private async flush(): Promise<void> {
    const b = this.batch;
    if (!b || b.count === 0) return;
    this.batch = undefined;
    const n = b.count;
    let message: ToThread;
    let transfer: ArrayBufferLike[];
    if (b.rendered) {
      const end = b.listStarts[n];
      message = {
        type: "rendered",
        products: b.products.subarray(0, n),
        lengths: b.lengths.subarray(0, n),
        listStarts: b.listStarts.subarray(0, n + 1),
        lists: b.lists.subarray(0, end),
        variantEnds: b.variantEnds.subarray(0, n * this.ctx!.variants.length),
        why: b.why.join("\n"),
      };
      transfer = [
        b.products.buffer,
        b.lengths.buffer,
        b.listStarts.buffer,
        b.lists.buffer,
        b.variantEnds.buffer,
      ];
    } else {
      const end = b.offsets[n];
      message = {
        type: "batch",
        products: b.products.subarray(0, n),
        offsets: b.offsets.subarray(0, n + 1),
        customers: b.customers.subarray(0, end),
        scores: b.scores.subarray(0, end),
        why: b.why.join("\n"),
      };
      transfer = [b.products.buffer, b.offsets.buffer, b.customers.buffer, b.scores.buffer];
    }
    this.inFlight++;
    this.send(message, transfer as ArrayBuffer[]);
    // Let the thread's acks in (they carry the buffers back and tell how far behind it is):
    // the ranking loop never waits on anything else, so without this they would queue.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.inFlight > MAX_BATCHES_IN_FLIGHT && !this.failure)
      await new Promise<void>((resolve) => (this.wake = resolve));
    if (this.failure) throw this.failure;
  }

  private send(message: ToThread, transfer: ArrayBuffer[] = []): void {
    if (this.failure) throw this.failure;
    this.worker.postMessage(message, transfer);
  }
}
