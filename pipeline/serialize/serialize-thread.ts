// The serialize thread: renders each audience into its variants and writes them into the
// hashed bulk files, while the build's main thread ranks the next products. Rendering and
// writing take as long as ranking, so running them side by side uses both cores.
// Messages arrive in order and are handled one at a time (each waits for the previous),
// so the output is exactly what a single-threaded loop writes (docs/threads.md).
import { join } from "node:path";
import { parentPort } from "node:worker_threads";
import { keys } from "../../worker/contract.js";
import { Explainer } from "../model/reasons.js";
import { distinctCustomers, eachSearchIndexPair } from "../model/search-index.js";
import { tokenizeProducts } from "../model/tokens.js";
import { PartWriter } from "./parts.js";
import { productJsonOf, type Rendered, Renderer, type ResponseContext } from "./serialize.js";
import {
  type AckMessage,
  type EvidenceParts,
  evidenceBuffers,
  type FromThread,
  type InitMessage,
  type ProductsMessage,
  type ReasonsMessage,
  type RetargetMessage,
  type SearchMessage,
  type ToThread,
} from "./serialize-protocol.js";
import { PairSpool } from "./spool.js";

const port = parentPort!;
const EMPTY = new Uint8Array(0);
/** The search index's values between search and finish, in the build's work folder. */
const SEARCH_SPOOL = ".search-index.spool";

interface State {
  ctx: ResponseContext;
  productIds: string[];
  productNames: (string | null)[];
  dir: string;
  writer: PartWriter;
  renderer: Renderer;
  /** Finds each audience's reasons (model/reasons.ts), from the reasons message on. */
  explainer: Explainer | undefined;
  /**
   * Each variant's key as bytes, [before, product id, after], and the reasons' key likewise:
   * the id is set per product (writeVariants), the arrays reused.
   */
  keyParts: Buffer[][];
  whyParts: Buffer[];
  renderMs: number;
  explainMs: number;
  writeMs: number;
}

/** Every product's id, served name and model name (the products message). */
interface Products {
  ids: string[];
  names: (string | null)[];
  modelNames: string[];
}
let products: Products | undefined;

function productsOrFail(): Products {
  if (!products) throw new Error("the products message must come before search and init");
  return products;
}

function init(m: InitMessage): State {
  const ctx: ResponseContext = {
    version: m.version,
    generatedAt: m.generatedAt,
    idType: m.idType,
    variants: m.variants,
    customerIds: [],
  };
  const renderer = new Renderer(ctx, '\\"', m.customerIds);
  const { ids, names } = productsOrFail();
  return {
    ctx,
    productIds: ids,
    productNames: names,
    dir: m.dir,
    writer: new PartWriter(m.dir),
    // The values go to the bulk files already escaped (see Renderer); keys need no escaping
    // because ids are restricted to [A-Za-z0-9._-].
    renderer,
    explainer: undefined,
    // Each variant's key split around the product id once, from the contract's own key function.
    keyParts: ctx.variants.map((n) => around(keys.rec(m.version, "\u0000", n))),
    whyParts: around(keys.why(m.version, "\u0000")),
    renderMs: 0,
    explainMs: 0,
    writeMs: 0,
  };
}

/** A key made with "\u0000" for the product id, as bytes: before it, the id (empty till set), after it. */
function around(key: string): Buffer[] {
  const [before, after] = key.split("\u0000").map((text) => Buffer.from(text));
  return [before, Buffer.alloc(0), after];
}

/** The search index's values, made while the build's main thread ranks; written at finish. */
let searchSpool: PairSpool | undefined;

function search(m: SearchMessage): void {
  const { ids: productIds, names } = productsOrFail();
  searchSpool = new PairSpool(join(m.dir, SEARCH_SPOOL));
  const pairs = eachSearchIndexPair({
    version: m.version,
    idType: m.idType,
    productIds,
    names,
    customers: distinctCustomers(m.product, m.customer, m.count, productIds.length),
    onCut: (prefixes) => post({ type: "searchCut", prefixes }),
  });
  for (const pair of pairs) searchSpool.add(pair);
}

function reasons(s: State, m: ReasonsMessage): Explainer {
  // Escaped for the bulk file as it is written, like the values (see Renderer).
  return new Explainer(
    {
      idType: s.ctx.idType,
      productIds: s.productIds,
      latestNames: s.productNames,
      modelNames: productsOrFail().modelNames,
      events: m.events,
      eventWeights: m.eventWeights,
      walkStart: m.walkStart,
      walkProduct: m.walkProduct,
      walkEvent: m.walkEvent,
      tokens: m.tokens,
      tokenStart: m.tokenStart,
      tokenCustomers: m.tokenCustomers,
      tokenStrength: m.tokenStrength,
    },
    '\\"',
  );
}

/**
 * The model's names: the served ones (the same strings, not copies: each parsed copy was
 * ~60 bytes a product held through the whole product loop), but where the message lists
 * another.
 */
function modelNames(servedNames: (string | null)[], m: ProductsMessage): string[] {
  const names = servedNames.map((name) => name ?? "");
  const renamed = JSON.parse(m.renamedNames) as string[];
  for (let k = 0; k < renamed.length; k++) names[m.renamedProducts[k]] = renamed[k];
  return names;
}

/** Audience k's reasons (StoredReasons as JSON text, escaped; Explainer.explainInto). */
function explain(s: State, m: EvidenceParts, k: number): Buffer {
  const from = m.offsets[k];
  const to = m.offsets[k + 1];
  const n0 = m.neighbourStarts[k];
  const n1 = m.neighbourStarts[k + 1];
  return s.explainer!.explainInto(m.products[k], m.customers.subarray(from, to), {
    codes: m.codes.subarray(from, to),
    hasNames: m.hasNames[k] === 1,
    neighbours: m.neighbours.subarray(n0, n1),
    sims: m.sims.subarray(n0, n1),
  });
}

/** Each retarget audience as one value, the largest variant's body (docs/contract.md). */
async function writeRetarget(s: State, m: RetargetMessage): Promise<void> {
  const last = s.ctx.variants.length - 1;
  for (let k = 0; k < m.products.length; k++) {
    const productId = s.productIds[m.products[k]];
    const rendered = s.renderer.render(
      productJsonOf(productId, s.ctx.idType, '\\"'),
      {
        customers: m.customers.subarray(m.offsets[k], m.offsets[k + 1]),
        scores: m.scores.subarray(m.offsets[k], m.offsets[k + 1]),
      },
      "retarget",
      s.productNames[m.products[k]],
    );
    const wait = s.writer.writeEscaped(
      [Buffer.from(keys.retarget(s.ctx.version, productId))],
      Buffer.from(rendered.head),
      rendered.list,
      rendered.ends[last],
      rendered.closes[last],
      rendered.bytes[last],
    );
    if (wait) await wait;
  }
}

async function handle(state: State | undefined, m: ToThread): Promise<State | undefined> {
  if (m.type === "products") {
    const names = JSON.parse(m.productNames) as (string | null)[];
    products = { ids: m.productIds.split("\n"), names, modelNames: modelNames(names, m) };
    // The build's main thread waits for these before its name lists (model/token-lists.ts).
    post({ type: "tokens", tokens: tokenizeProducts(products.modelNames) });
    return state;
  }
  if (m.type === "init") return init(m);
  if (m.type === "search") {
    search(m);
    return state;
  }
  const s = state!;
  const { ctx, writer, renderer } = s;
  switch (m.type) {
    case "reasons":
      return { ...s, explainer: reasons(s, m) };
    case "batch": {
      for (let k = 0; k < m.products.length; k++) {
        const t1 = performance.now();
        const productId = s.productIds[m.products[k]];
        const audience = {
          customers: m.customers.subarray(m.offsets[k], m.offsets[k + 1]),
          scores: m.scores.subarray(m.offsets[k], m.offsets[k + 1]),
        };
        const rendered = renderer.render(
          productJsonOf(productId, ctx.idType, '\\"'),
          audience,
          "ranked",
          s.productNames[m.products[k]],
        );
        const t12 = performance.now();
        const why = explain(s, m, k);
        const t2 = performance.now();
        s.renderMs += t12 - t1;
        s.explainMs += t2 - t12;
        await writeVariants(s, productId, rendered, why, s.explainer!.servedBytes);
        s.writeMs += performance.now() - t2;
      }
      giveBack("batch", [...evidenceBuffers(m), m.scores.buffer]);
      return s;
    }
    case "rendered": {
      const V = ctx.variants.length;
      for (let k = 0; k < m.products.length; k++) {
        const t2 = performance.now();
        const productId = s.productIds[m.products[k]];
        const list = Buffer.from(
          m.lists.buffer,
          m.lists.byteOffset + m.listStarts[k],
          m.listStarts[k + 1] - m.listStarts[k],
        );
        const rendered = renderer.assemble(
          productJsonOf(productId, ctx.idType, '\\"'),
          m.lengths[k],
          list,
          m.variantEnds,
          k * V,
          "ranked",
          s.productNames[m.products[k]],
        );
        const why = Buffer.from(
          m.whyBytes.buffer,
          m.whyBytes.byteOffset + m.whyStarts[k],
          m.whyStarts[k + 1] - m.whyStarts[k],
        );
        await writeVariants(s, productId, rendered, why, m.whyServed[k]);
        s.writeMs += performance.now() - t2;
      }
      giveBack("rendered", [
        m.products.buffer,
        m.lengths.buffer,
        m.listStarts.buffer,
        m.lists.buffer,
        m.variantEnds.buffer,
        m.whyBytes.buffer,
        m.whyStarts.buffer,
        m.whyServed.buffer,
      ]);
      return s;
    }
    case "retarget":
      await writeRetarget(s, m);
      giveBack("retarget", []);
      return s;
    case "fallback": {
      const fallback = renderer.render("null", { customers: m.customers, scores: m.scores }, "fallback");
      for (let i = 0; i < ctx.variants.length; i++) {
        await writer.writeEscaped(
          [Buffer.from(keys.fallback(ctx.version, ctx.variants[i]))],
          Buffer.from(fallback.head),
          fallback.list,
          fallback.ends[i],
          fallback.closes[i],
          fallback.bytes[i],
        );
      }
      return s;
    }
    case "restart":
      await writer.discard();
      return { ...s, writer: new PartWriter(s.dir) };
    case "pair":
      await writer.write(m.pair);
      return s;
    case "finish": {
      for (const pair of searchSpool?.drain() ?? []) {
        const wait = writer.writeEscaped(
          [pair.key],
          EMPTY,
          pair.value,
          pair.value.length,
          EMPTY,
          pair.valueBytes,
        );
        if (wait) await wait;
      }
      const parts = await writer.finish();
      post({
        type: "done",
        parts,
        keys: writer.keys,
        bytes: writer.bytes,
        fileBytes: writer.fileBytes,
        renderSeconds: s.renderMs / 1000,
        explainSeconds: s.explainMs / 1000,
        writeSeconds: s.writeMs / 1000,
      });
      return s;
    }
  }
}

/**
 * One product's values, one per variant, then its reasons: bytes already escaped for the
 * bulk file, of `whyBytes` served bytes (whichever thread found them). Ids are ASCII (the
 * id rule), so latin1 encodes them; heads carry the product's name, so they are UTF-8.
 */
async function writeVariants(
  s: State,
  productId: string,
  rendered: Rendered,
  why: Buffer,
  whyBytes: number,
): Promise<void> {
  const id = Buffer.from(productId, "latin1");
  const head = Buffer.from(rendered.head, "utf8");
  for (let i = 0; i < s.keyParts.length; i++) {
    const key = s.keyParts[i];
    key[1] = id;
    const wait = s.writer.writeEscaped(
      key,
      head,
      rendered.list,
      rendered.ends[i],
      rendered.closes[i],
      rendered.bytes[i],
    );
    if (wait) await wait;
  }
  s.whyParts[1] = id;
  const wait = s.writer.writeEscaped(s.whyParts, EMPTY, why, why.length, EMPTY, whyBytes);
  if (wait) await wait;
}

function post(m: FromThread): void {
  port.postMessage(m);
}

function giveBack(kind: AckMessage["kind"], buffers: ArrayBufferLike[]): void {
  const message: FromThread = { type: "ack", kind, buffers: buffers as ArrayBuffer[] };
  port.postMessage(message, message.buffers);
}

let state: State | undefined;
let queue: Promise<void> = Promise.resolve();
let failed = false;
port.on("message", (m: ToThread) => {
  queue = queue.then(async () => {
    if (failed) return;
    try {
      state = await handle(state, m);
    } catch (err) {
      failed = true;
      post({ type: "error", message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    }
  });
});
