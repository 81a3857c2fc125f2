// A loopback fake of the Workers KV REST API (the four endpoints publish uses), for
// tests and the publish benchmark. It checks the bearer token, keeps keys in memory,
// and can misbehave on demand: 429 with Retry-After, 500s, dropped connections (before
// or after applying a write), partial `unsuccessful_keys`, an error body that echoes the
// Authorization header, and hanging once N bulk writes were applied (to kill a client
// mid-publish). It also watches the one rule that matters: `meta/current` may only move
// to a version whose keys are all stored (as counted by that version's meta).
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export type FaultKind = "429" | "500" | "drop-before" | "drop-after" | "unsuccessful" | "echo-auth";
export type Op = "write" | "delete" | "list" | "get";

export interface Fault {
  op: Op;
  kind: FaultKind;
  /** Retry-After header value for 429s. */
  retryAfter?: string;
  /** For `unsuccessful`: how many keys of the request to refuse. */
  keys?: number;
  /** How many matching requests it hits (default 1). */
  times?: number;
}

export interface FakeKvOptions {
  token: string;
  accountId: string;
  namespaceId: string;
  /** Simulated service time per request, ms. */
  latencyMs?: number;
}

export interface FakeRequest {
  op: Op | "other";
  status: number;
  keys: number;
  at: number;
}

/** A Map that knows when it changed, so listing can reuse one sorted copy of the keys. */
class WatchedMap extends Map<string, string> {
  sorted: string[] | undefined;
  override set(key: string, value: string): this {
    if (!this.has(key)) this.sorted = undefined;
    return super.set(key, value);
  }
  override delete(key: string): boolean {
    this.sorted = undefined;
    return super.delete(key);
  }
  override clear(): void {
    this.sorted = undefined;
    super.clear();
  }
  sortedKeys(): string[] {
    return (this.sorted ??= [...this.keys()].sort());
  }
}

export class FakeKvApi {
  readonly store = new WatchedMap();
  readonly requests: FakeRequest[] = [];
  readonly violations: string[] = [];
  /** Every value `meta/current` took, in order. */
  readonly pointerHistory: string[] = [];
  appliedBulkWrites = 0;
  maxInFlight = 0;
  authFailures = 0;
  /** Bulk writes after this many applied ones are held forever (never answered). */
  hangAfterBulkWrites: number | undefined;
  /** Simulated service time per request, ms (changeable mid-test). */
  latencyMs: number;
  private inFlight = 0;
  private readonly faults: (Fault & { left: number })[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly server = createServer((req, res) => void this.handle(req, res));
  url = "";

  constructor(private readonly options: FakeKvOptions) {
    this.latencyMs = options.latencyMs ?? 0;
  }

  async start(): Promise<this> {
    this.server.on("connection", (s) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}/client/v4`;
    return this;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  inject(fault: Fault): void {
    this.faults.push({ ...fault, left: fault.times ?? 1 });
  }

  count(op: Op, status?: number): number {
    return this.requests.filter((r) => r.op === op && (status === undefined || r.status === status)).length;
  }

  private takeFault(op: Op): Fault | undefined {
    const i = this.faults.findIndex((f) => f.op === op && f.left > 0);
    if (i < 0) return undefined;
    const f = this.faults[i];
    if (--f.left === 0) this.faults.splice(i, 1);
    return f;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    res.on("close", () => this.inFlight--);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    if (this.latencyMs) await new Promise((r) => setTimeout(r, this.latencyMs));

    const url = new URL(req.url ?? "/", "http://fake");
    const root = `/client/v4/accounts/${this.options.accountId}/storage/kv/namespaces/${this.options.namespaceId}`;
    const path = url.pathname.startsWith(root) ? url.pathname.slice(root.length) : undefined;
    const op: Op | "other" =
      path === "/bulk" && req.method === "PUT"
        ? "write"
        : path === "/bulk/delete" && req.method === "POST"
          ? "delete"
          : path === "/keys" && req.method === "GET"
            ? "list"
            : path?.startsWith("/values/") && req.method === "GET"
              ? "get"
              : "other";
    const record = (status: number, keys = 0) => this.requests.push({ op, status, keys, at: Date.now() });
    const json = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      record(status);
      res.writeHead(status, { "Content-Type": "application/json", ...headers });
      res.end(JSON.stringify(payload));
    };
    const fail = (status: number, code: number, message: string, headers?: Record<string, string>) =>
      json(status, { success: false, errors: [{ code, message }], messages: [], result: null }, headers);

    if (req.headers.authorization !== `Bearer ${this.options.token}`) {
      this.authFailures++;
      return fail(401, 10000, "Authentication error");
    }
    if (op === "other") return fail(404, 7003, `No route for ${req.method} ${url.pathname}`);

    const fault = this.takeFault(op);
    if (fault?.kind === "429")
      return fail(
        429,
        10429,
        "Too many requests",
        fault.retryAfter ? { "Retry-After": fault.retryAfter } : {},
      );
    if (fault?.kind === "500") return fail(500, 10001, "Internal error");
    if (fault?.kind === "echo-auth")
      return fail(400, 10002, `bad request (authorization was: ${req.headers.authorization})`);
    if (fault?.kind === "drop-before") {
      record(0);
      req.socket.destroy();
      return;
    }

    if (op === "write") {
      if (this.hangAfterBulkWrites !== undefined && this.appliedBulkWrites >= this.hangAfterBulkWrites) {
        record(-1);
        return; // never answered: the client is stuck here until it is killed
      }
      const pairs = JSON.parse(body) as { key: string; value: string }[];
      const refused =
        fault?.kind === "unsuccessful"
          ? new Set(pairs.slice(0, fault.keys ?? 1).map((p) => p.key))
          : new Set<string>();
      for (const p of pairs) {
        if (refused.has(p.key)) continue;
        if (p.key === "meta/current") this.checkSwitch(p.value);
        this.store.set(p.key, p.value);
      }
      this.appliedBulkWrites++;
      if (fault?.kind === "drop-after") {
        record(0, pairs.length);
        req.socket.destroy();
        return;
      }
      record(200, pairs.length);
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(
        JSON.stringify({
          success: true,
          errors: [],
          messages: [],
          result: { successful_key_count: pairs.length - refused.size, unsuccessful_keys: [...refused] },
        }),
      );
      return;
    }
    if (op === "delete") {
      const names = JSON.parse(body) as string[];
      const refused =
        fault?.kind === "unsuccessful" ? new Set(names.slice(0, fault.keys ?? 1)) : new Set<string>();
      for (const k of names) if (!refused.has(k)) this.store.delete(k);
      if (fault?.kind === "drop-after") {
        record(0, names.length);
        req.socket.destroy();
        return;
      }
      return json(200, {
        success: true,
        errors: [],
        messages: [],
        result: { successful_key_count: names.length - refused.size, unsuccessful_keys: [...refused] },
      });
    }
    if (op === "list") {
      const prefix = url.searchParams.get("prefix") ?? "";
      const limit = Math.min(1000, Number(url.searchParams.get("limit") ?? 1000));
      // The cursor is the last key returned (as Cloudflare's behaves: keys deleted behind it do not shift pages).
      const after = url.searchParams.get("cursor")
        ? Buffer.from(url.searchParams.get("cursor")!, "base64url").toString()
        : undefined;
      const all = this.store.sortedKeys();
      let from = lowerBound(all, prefix);
      if (after !== undefined) from = Math.max(from, lowerBound(all, `${after}\u0000`));
      const page: string[] = [];
      for (let i = from; i < all.length && page.length < limit && all[i].startsWith(prefix); i++)
        page.push(all[i]);
      const next = from + page.length;
      const more = page.length === limit && next < all.length && all[next].startsWith(prefix);
      const cursor = more ? Buffer.from(page[page.length - 1]).toString("base64url") : "";
      return json(200, {
        success: true,
        errors: [],
        messages: [],
        result: page.map((name) => ({ name })),
        result_info: { count: page.length, cursor },
      });
    }
    // get
    const key = decodeURIComponent(path!.slice("/values/".length));
    const value = this.store.get(key);
    if (value === undefined) return fail(404, 10009, "get: 'key not found'");
    record(200);
    res.writeHead(200, { "Content-Type": "application/octet-stream" });
    res.end(value);
  }

  /** The pointer may only name a version whose keys are all here. */
  private checkSwitch(value: string): void {
    this.pointerHistory.push(value);
    let version = "";
    try {
      version = (JSON.parse(value) as { version: string }).version;
    } catch {
      this.violations.push(`pointer is not JSON: ${value.slice(0, 80)}`);
      return;
    }
    const metaText = this.store.get(`v/${version}/meta`);
    if (!metaText) {
      this.violations.push(`pointer moved to ${version} before its meta was stored`);
      return;
    }
    const expected = (JSON.parse(metaText) as { counts: { keys: number } }).counts.keys;
    const stored = [...this.store.keys()].filter((k) => k.startsWith(`v/${version}/`)).length;
    if (stored < expected)
      this.violations.push(`pointer moved to ${version} with ${stored} of ${expected} keys stored`);
  }
}

/** First index whose key is >= `key` in a sorted array. */
function lowerBound(sorted: string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export async function startFakeKvApi(options: FakeKvOptions): Promise<FakeKvApi> {
  return new FakeKvApi(options).start();
}
