// The build's side of the serialize thread (serialize-thread.ts): audiences are copied into
// flat batches and handed over, with a bounded number of batches in flight so a thread that
// falls behind slows the ranking down instead of queueing the whole build in memory.
// When the thread has a long backlog this side renders whole batches and finds their reasons
// itself (the thread then only writes them), so the two threads balance themselves. Ranking is the critical
// path, so this side helps only late (RENDER_HERE_AT): rendering here earlier takes time
// from the ranking that the thread would have spent anyway. Why the bytes are the same
// whichever side renders or explains: docs/threads.md.
import { Worker } from "node:worker_threads";
import { type Evidence, Explainer, type ReasonsInput } from "../model/reasons.js";
import type { ProductTokens } from "../model/tokens.js";
import type { Audience } from "../model/types.js";
import { threadUrl } from "../thread-bundle.js";
import { LIST_SLACK, Renderer, type ResponseContext } from "./serialize.js";
import {
  type EvidenceParts,
  evidenceBuffers,
  type FromThread,
  type InitMessage,
  type RetargetMessage,
  type SearchMessage,
  type ThreadResult,
  type ToThread,
} from "./serialize-protocol.js";

const BATCH_PRODUCTS = 256;
const MAX_BATCHES_IN_FLIGHT = 16;
/** With this many batches waiting on the thread, the next batch is rendered here. */
const RENDER_HERE_AT = 8;

/** Reason bytes per product a rendered batch starts with: it grows when its products need more. */
const WHY_BYTES_AT_FIRST = 512;

/** Neighbours per batch to start with: a batch's arrays grow when its products need more. */
const NEIGHBOURS_AT_FIRST = BATCH_PRODUCTS * 64;

interface RawBatch extends EvidenceParts {
  rendered: false;
  scores: Float64Array;
  count: number;
}

interface RenderedBatch {
  rendered: true;
  products: Int32Array;
  lengths: Int32Array;
  listStarts: Int32Array;
  lists: Uint8Array;
  variantEnds: Int32Array;
  /**
   * Each product's reasons, found here too: product k's are whyBytes[whyStarts[k] ..
   * whyStarts[k + 1]), escaped for the bulk file as the thread writes them, served in
   * whyServed[k] bytes.
   */
  whyBytes: Uint8Array;
  whyStarts: Int32Array;
  whyServed: Int32Array;
  count: number;
}

const EVIDENCE_BUFFERS = 8;

function evidenceArrays(spare: ArrayBuffer[] | undefined, maxN: number): EvidenceParts {
  if (spare) {
    const [products, offsets, customers, codes, hasNames, neighbourStarts, neighbours, sims] = spare;
    return {
      products: new Int32Array(products),
      offsets: new Int32Array(offsets),
      customers: new Int32Array(customers),
      codes: new Uint8Array(codes),
      hasNames: new Uint8Array(hasNames),
      neighbourStarts: new Int32Array(neighbourStarts),
      neighbours: new Int32Array(neighbours),
      sims: new Float64Array(sims),
    };
  }
  return {
    products: new Int32Array(BATCH_PRODUCTS),
    offsets: new Int32Array(BATCH_PRODUCTS + 1),
    customers: new Int32Array(BATCH_PRODUCTS * maxN),
    codes: new Uint8Array(BATCH_PRODUCTS * maxN),
    hasNames: new Uint8Array(BATCH_PRODUCTS),
    neighbourStarts: new Int32Array(BATCH_PRODUCTS + 1),
    neighbours: new Int32Array(NEIGHBOURS_AT_FIRST),
    sims: new Float64Array(NEIGHBOURS_AT_FIRST),
  };
}

/** The first n products' part of the evidence arrays, as a message carries them. */
function evidenceParts(e: EvidenceParts, n: number): EvidenceParts {
  const end = e.offsets[n];
  const neighbourEnd = e.neighbourStarts[n];
  return {
    products: e.products.subarray(0, n),
    offsets: e.offsets.subarray(0, n + 1),
    customers: e.customers.subarray(0, end),
    codes: e.codes.subarray(0, end),
    hasNames: e.hasNames.subarray(0, n),
    neighbourStarts: e.neighbourStarts.subarray(0, n + 1),
    neighbours: e.neighbours.subarray(0, neighbourEnd),
    sims: e.sims.subarray(0, neighbourEnd),
  };
}

/**
 * The serialize thread's young generation. Its garbage is short-lived strings and arrays per
 * batch; with V8's default size it scavenged often enough to spend 1.8-2.5 s in the
 * collector at 500k rows, 1.2 s with this one (for ~100-150 MB more peak RSS).
 */
const SERIALIZE_YOUNG_GENERATION_MB = 96;

export class SerializeThread {
  private readonly worker = new Worker(threadUrl(new URL("./serialize-thread.ts", import.meta.url)), {
    resourceLimits: { maxYoungGenerationSizeMb: SERIALIZE_YOUNG_GENERATION_MB },
  });
  private readonly result: Promise<ThreadResult>;
  /** The search index's cut prefixes, once the thread has built the index (search()). */
  readonly searchCut: Promise<string[]>;
  /** The model names' tokens, once the thread has made them (after products()). */
  readonly nameTokens: Promise<ProductTokens>;
  private failure: Error | undefined;
  private inFlight = 0;
  private wake: (() => void) | undefined;
  private batch: RawBatch | RenderedBatch | undefined;
  private maxN = 0;
  private ctx: ResponseContext | undefined;
  private renderer: Renderer | undefined;
  private reasonsInput: ReasonsInput | undefined;
  private explainer: Explainer | undefined;
  /** Milliseconds this side spent rendering and explaining batches itself (the thread behind). */
  helpMs = 0;
  /** Milliseconds this side waited with MAX_BATCHES_IN_FLIGHT batches unacknowledged. */
  waitMs = 0;
  /** Buffers of batches the thread has finished, reused (allocating each batch anew kept the GC busy). */
  private readonly spareRaw: ArrayBuffer[][] = [];
  private readonly spareRendered: ArrayBuffer[][] = [];

  constructor() {
    let cutFound: (prefixes: string[]) => void = () => undefined;
    let cutFailed: (err: Error) => void = () => undefined;
    this.searchCut = new Promise<string[]>((resolve, reject) => {
      cutFound = resolve;
      cutFailed = reject;
    });
    this.searchCut.catch(() => undefined);
    let tokensMade: (tokens: ProductTokens) => void = () => undefined;
    let tokensFailed: (err: Error) => void = () => undefined;
    this.nameTokens = new Promise<ProductTokens>((resolve, reject) => {
      tokensMade = resolve;
      tokensFailed = reject;
    });
    this.nameTokens.catch(() => undefined);
    this.result = new Promise<ThreadResult>((resolve, reject) => {
      const fail = (err: Error) => {
        this.failure ??= err;
        this.wake?.();
        reject(this.failure);
        cutFailed(this.failure);
        tokensFailed(this.failure);
      };
      this.worker.on("message", (m: FromThread) => {
        if (m.type === "ack") {
          this.inFlight--;
          if (m.kind === "batch" || m.kind === "rendered")
            (m.kind === "batch" ? this.spareRaw : this.spareRendered).push(m.buffers);
          this.wake?.();
        } else if (m.type === "searchCut") cutFound(m.prefixes);
        else if (m.type === "tokens") tokensMade(m.tokens);
        else if (m.type === "done") resolve(m);
        else fail(new Error(`serialize thread failed: ${m.message}`));
      });
      this.worker.on("error", fail);
      this.worker.on("exit", (code) => fail(new Error(`serialize thread exited early (code ${code})`)));
    });
    // Failures surface through add()/finish(); a build abandoned early must not leave an unhandled rejection.
    this.result.catch(() => undefined);
  }

  /** Every product's id and served name: first, before search and init, which share them. */
  /**
   * Every product's id, served name and the name the model reads. The thread makes the model
   * names' tokens first (nameTokens has them) and then serves search, init and reasons
   * from these.
   */
  products(productIds: string[], productNames: (string | null)[], modelNames: string[]): void {
    const renamedProducts: number[] = [];
    const renamedNames: string[] = [];
    for (let p = 0; p < modelNames.length; p++) {
      if (modelNames[p] === (productNames[p] ?? "")) continue;
      renamedProducts.push(p);
      renamedNames.push(modelNames[p]);
    }
    this.send({
      type: "products",
      productIds: productIds.join("\n"),
      productNames: JSON.stringify(productNames),
      renamedProducts: Int32Array.from(renamedProducts),
      renamedNames: JSON.stringify(renamedNames),
    });
  }

  /** The name search index's input: the thread builds the index while this side ranks. */
  search(message: Omit<SearchMessage, "type">): void {
    this.send({ type: "search", ...message });
  }

  /** `ctx` must describe the same build as `message` (this side renders with it). */
  init(message: Omit<InitMessage, "type">, ctx: ResponseContext): void {
    this.ctx = ctx;
    this.maxN = Math.max(...ctx.variants);
    this.send({ type: "init", ...message }, [message.customerIds.bytes.buffer as ArrayBuffer]);
  }

  /**
   * The read-only part of the reasons: the thread explains every audience from it and each
   * audience's Evidence. After init, whose ids, served names and id type it must share.
   */
  reasons(input: ReasonsInput): void {
    this.reasonsInput = input;
    this.send({
      type: "reasons",
      events: input.events,
      eventWeights: input.eventWeights,
      walkStart: input.walkStart,
      walkProduct: input.walkProduct,
      walkEvent: input.walkEvent,
      tokens: input.tokens,
      tokenStart: input.tokenStart,
      tokenCustomers: input.tokenCustomers,
      tokenStrength: input.tokenStrength,
    });
  }

  /**
   * Queues one product's audience (copied or rendered now: the ranker reuses its arrays)
   * and the Evidence of its reasons (copied too), which the thread explains.
   */
  async add(product: number, audience: Audience, evidence: Evidence): Promise<void> {
    if (this.failure) throw this.failure;
    const b = (this.batch ??= this.inFlight >= RENDER_HERE_AT ? this.renderedBatch() : this.rawBatch());
    const k = b.count;
    if (b.rendered) {
      const t0 = performance.now();
      const listAt = b.listStarts[k];
      b.lengths[k] = audience.customers.length;
      b.listStarts[k + 1] =
        listAt +
        this.renderer!.renderList(audience, b.lists, listAt, b.variantEnds, k * this.ctx!.variants.length);
      const why = this.explainer!.explainInto(product, audience.customers, evidence);
      const whyAt = b.whyStarts[k];
      if (whyAt + why.length > b.whyBytes.length) {
        const bytes = new Uint8Array(Math.max(whyAt + why.length, 2 * b.whyBytes.length));
        bytes.set(b.whyBytes.subarray(0, whyAt));
        b.whyBytes = bytes;
      }
      b.whyBytes.set(why, whyAt);
      b.whyStarts[k + 1] = whyAt + why.length;
      b.whyServed[k] = this.explainer!.servedBytes;
      b.products[k] = product;
      b.count = k + 1;
      this.helpMs += performance.now() - t0;
      if (b.count === BATCH_PRODUCTS) await this.flush();
      return;
    }
    const at = b.offsets[k];
    const n = audience.customers.length;
    b.scores.set(audience.scores, at);
    b.customers.set(audience.customers, at);
    b.codes.set(evidence.codes, at);
    b.offsets[k + 1] = at + n;
    b.hasNames[k] = evidence.hasNames ? 1 : 0;
    const from = b.neighbourStarts[k];
    const to = from + evidence.neighbours.length;
    if (to > b.neighbours.length) {
      const size = Math.max(to, 2 * b.neighbours.length);
      const neighbours = new Int32Array(size);
      neighbours.set(b.neighbours.subarray(0, from));
      b.neighbours = neighbours;
      const sims = new Float64Array(size);
      sims.set(b.sims.subarray(0, from));
      b.sims = sims;
    }
    b.neighbours.set(evidence.neighbours, from);
    b.sims.set(evidence.sims, from);
    b.neighbourStarts[k + 1] = to;
    b.products[k] = product;
    b.count = k + 1;
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

  /**
   * Retarget audiences to render and write (customers in the ranking's numbering). Counted
   * in flight like a batch, so a caller sending many waits for the thread to catch up.
   */
  async retarget(message: Omit<RetargetMessage, "type">): Promise<void> {
    await this.flush();
    const { products, offsets, customers, scores } = message;
    const buffers = [products.buffer, offsets.buffer, customers.buffer, scores.buffer] as ArrayBuffer[];
    this.send({ type: "retarget", ...message }, buffers);
    this.inFlight++;
    await this.backlog();
  }

  async pair(key: string, value: string): Promise<void> {
    await this.flush();
    this.send({ type: "pair", pair: { key, value } });
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
    return {
      rendered: false,
      ...evidenceArrays(spare, this.maxN),
      scores: spare
        ? new Float64Array(spare[EVIDENCE_BUFFERS])
        : new Float64Array(BATCH_PRODUCTS * this.maxN),
      count: 0,
    };
  }

  private renderedBatch(): RenderedBatch {
    // Built on first use: a build whose thread keeps up never pays for them.
    const renderer = (this.renderer ??= new Renderer(this.ctx!, '\\"'));
    // Escaped for the bulk file, as the thread's own Explainer writes (docs/threads.md).
    this.explainer ??= new Explainer(this.reasonsInput!, '\\"');
    const spare = this.spareRendered.pop();
    if (spare) {
      const [products, lengths, listStarts, lists, variantEnds, whyBytes, whyStarts, whyServed] = spare;
      return {
        rendered: true,
        products: new Int32Array(products),
        lengths: new Int32Array(lengths),
        listStarts: new Int32Array(listStarts),
        lists: new Uint8Array(lists),
        variantEnds: new Int32Array(variantEnds),
        whyBytes: new Uint8Array(whyBytes),
        whyStarts: new Int32Array(whyStarts),
        whyServed: new Int32Array(whyServed),
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
      whyBytes: new Uint8Array(BATCH_PRODUCTS * WHY_BYTES_AT_FIRST),
      whyStarts: new Int32Array(BATCH_PRODUCTS + 1),
      whyServed: new Int32Array(BATCH_PRODUCTS),
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
      message = {
        type: "rendered",
        products: b.products.subarray(0, n),
        lengths: b.lengths.subarray(0, n),
        listStarts: b.listStarts.subarray(0, n + 1),
        lists: b.lists.subarray(0, b.listStarts[n]),
        variantEnds: b.variantEnds.subarray(0, n * this.ctx!.variants.length),
        whyBytes: b.whyBytes.subarray(0, b.whyStarts[n]),
        whyStarts: b.whyStarts.subarray(0, n + 1),
        whyServed: b.whyServed.subarray(0, n),
      };
      transfer = [
        b.products.buffer,
        b.lengths.buffer,
        b.listStarts.buffer,
        b.lists.buffer,
        b.variantEnds.buffer,
        b.whyBytes.buffer,
        b.whyStarts.buffer,
        b.whyServed.buffer,
      ];
    } else {
      message = { type: "batch", ...evidenceParts(b, n), scores: b.scores.subarray(0, b.offsets[n]) };
      transfer = [...evidenceBuffers(b), b.scores.buffer];
    }
    this.inFlight++;
    this.send(message, transfer as ArrayBuffer[]);
    // Let the thread's acks in (they carry the buffers back and tell how far behind it is):
    // the ranking loop never waits on anything else, so without this they would queue.
    await this.backlog();
  }

  /** Waits while more than MAX_BATCHES_IN_FLIGHT messages are unacknowledged. */
  private async backlog(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    const t0 = performance.now();
    while (this.inFlight > MAX_BATCHES_IN_FLIGHT && !this.failure)
      await new Promise<void>((resolve) => (this.wake = resolve));
    this.waitMs += performance.now() - t0;
    if (this.failure) throw this.failure;
  }

  private send(message: ToThread, transfer: ArrayBuffer[] = []): void {
    if (this.failure) throw this.failure;
    this.worker.postMessage(message, transfer);
  }
}
