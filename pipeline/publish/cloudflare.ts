// The Cloudflare target: Workers KV through the REST API (the endpoints wrangler's own
// `kv bulk` commands use). Bulk writes of ≤10,000 pairs and ≤100 MB, a few requests in
// flight, paced inside the account budget, retried with backoff on 429/5xx/network
// errors, and keys the API reports as unsuccessful are sent again.

import { RunError, UsageError } from "../errors.js";
import type { KvPair } from "../serialize/manifest.js";
import { CLOUDFLARE_RATE, type RateLimitOptions, RequestGate } from "./rate-limit.js";
import { redact } from "./redact.js";
import {
  backoffMs,
  DEFAULT_RETRY,
  isRetryableStatus,
  parseRetryAfter,
  type RetryPolicy,
  sleep,
} from "./retry.js";
import { collectKeys, type KvTarget } from "./target.js";

const DEFAULT_API_BASE_URL = "https://api.cloudflare.com/client/v4";
export const MAX_BULK_PAIRS = 10_000;
export const MAX_BULK_BYTES = 100_000_000;
const LIST_PAGE = 1000;

export interface CloudflareOptions {
  token: string;
  accountId: string;
  namespaceId: string;
  baseUrl?: string;
  rate?: RateLimitOptions;
  retry?: RetryPolicy;
  /** One request may take this long before it counts as a network failure. */
  timeoutMs?: number;
}

interface Envelope<T> {
  success?: boolean;
  errors?: { code?: number; message?: string }[];
  result?: T;
  result_info?: { cursor?: string; count?: number };
}

interface BulkResult {
  successful_key_count?: number;
  unsuccessful_keys?: string[];
}

/** Reads the token and account from the environment: a one-line usage error if unset. */
export function cloudflareCredentials(env: NodeJS.ProcessEnv = process.env): {
  token: string;
  accountId: string;
  baseUrl: string;
} {
  const token = env.CLOUDFLARE_API_TOKEN?.trim();
  const accountId = env.CLOUDFLARE_ACCOUNT_ID?.trim();
  if (!token)
    throw new UsageError(
      "CLOUDFLARE_API_TOKEN is not set: export an API token with the Workers KV Storage Edit permission",
    );
  if (!accountId)
    throw new UsageError(
      "CLOUDFLARE_ACCOUNT_ID is not set: export the account id shown in the Cloudflare dashboard",
    );
  return {
    token,
    accountId,
    baseUrl: (env.CLOUDFLARE_API_BASE_URL?.trim() || DEFAULT_API_BASE_URL).replace(/\/+$/, ""),
  };
}

/** Splits pairs into request bodies within the API's per-request limits. */
export function chunkPairs(
  pairs: KvPair[],
  maxPairs = MAX_BULK_PAIRS,
  maxBytes = MAX_BULK_BYTES,
): KvPair[][] {
  const chunks: KvPair[][] = [];
  let current: KvPair[] = [];
  let bytes = 2;
  for (const pair of pairs) {
    const size = Buffer.byteLength(JSON.stringify(pair)) + 1;
    if (current.length > 0 && (current.length >= maxPairs || bytes + size > maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = 2;
    }
    current.push(pair);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** How a namespace is named to people and in checkpoints (no token in either). */
export function cloudflareTargetName(
  accountId: string,
  namespaceId: string,
  baseUrl = DEFAULT_API_BASE_URL,
): { name: string; identity: string } {
  const base = baseUrl.replace(/\/+$/, "");
  const via = base === DEFAULT_API_BASE_URL ? "" : ` via ${base}`;
  return {
    name: `Cloudflare KV (namespace ${namespaceId}${via})`,
    identity: `cloudflare:${base}#${accountId}/${namespaceId}`,
  };
}

export class CloudflareKv implements KvTarget {
  readonly name: string;
  readonly identity: string;
  readonly partConcurrency: number;
  private readonly gate: RequestGate;
  private readonly retry: RetryPolicy;
  private readonly root: string;
  private readonly timeoutMs: number;

  constructor(private readonly options: CloudflareOptions) {
    const base = (options.baseUrl ?? DEFAULT_API_BASE_URL).replace(/\/+$/, "");
    const rate = options.rate ?? CLOUDFLARE_RATE;
    this.gate = new RequestGate(rate);
    this.partConcurrency = rate.concurrency;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.root = `${base}/accounts/${encodeURIComponent(options.accountId)}/storage/kv/namespaces/${encodeURIComponent(options.namespaceId)}`;
    ({ name: this.name, identity: this.identity } = cloudflareTargetName(
      options.accountId,
      options.namespaceId,
      base,
    ));
  }

  inFlight(): number {
    return this.gate.inFlight;
  }

  async putBulk(pairs: KvPair[], body?: Buffer): Promise<void> {
    if (pairs.length === 0) return;
    const chunks =
      body && pairs.length <= MAX_BULK_PAIRS && body.length <= MAX_BULK_BYTES ? [pairs] : chunkPairs(pairs);
    for (const chunk of chunks) {
      await this.bulk("PUT", "/bulk", chunk, chunk === pairs && body ? body : undefined, (p) => p.key);
    }
  }

  async deleteBulk(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += MAX_BULK_PAIRS) {
      await this.bulk("POST", "/bulk/delete", keys.slice(i, i + MAX_BULK_PAIRS), undefined, (k) => k);
    }
  }

  async get(key: string): Promise<string | null> {
    const res = await this.request("GET", `/values/${encodeURIComponent(key)}`, undefined, [404]);
    return res.status === 404 ? null : res.text;
  }

  async *listPages(prefix: string, pageSize = LIST_PAGE): AsyncIterable<string[]> {
    let cursor: string | undefined;
    for (;;) {
      // The API takes limit 10..1,000.
      const query = new URLSearchParams({
        prefix,
        limit: String(Math.min(LIST_PAGE, Math.max(10, pageSize))),
      });
      if (cursor) query.set("cursor", cursor);
      const res = await this.request("GET", `/keys?${query}`);
      const envelope = this.parse<{ name: string }[]>(res.text, "list keys");
      yield (envelope.result ?? []).map((k) => k.name);
      cursor = envelope.result_info?.cursor;
      if (!cursor) return;
    }
  }

  listKeys(prefix: string): Promise<string[]> {
    return collectKeys(this.listPages(prefix));
  }

  async close(): Promise<void> {}

  /**
   * One bulk request, then again for whatever the API reports as unsuccessful, until
   * every item is confirmed or the retry budget is spent.
   */
  private async bulk<T>(
    method: string,
    path: string,
    items: T[],
    firstBody: Buffer | undefined,
    keyOf: (item: T) => string,
  ): Promise<void> {
    let pending = items;
    let body: Buffer | string = firstBody ?? JSON.stringify(pending);
    for (let round = 0; ; round++) {
      const res = await this.request(method, path, body);
      const failed =
        this.parse<BulkResult>(res.text, `bulk ${method === "PUT" ? "write" : "delete"}`).result
          ?.unsuccessful_keys ?? [];
      if (failed.length === 0) return;
      if (round + 1 >= this.retry.attempts) {
        throw new RunError(
          this.scrub(
            `${failed.length} key(s) were still reported unsuccessful after ${round + 1} attempts (first: ${failed[0]})`,
          ),
        );
      }
      const again = new Set(failed);
      pending = pending.filter((item) => again.has(keyOf(item)));
      body = JSON.stringify(pending);
      await sleep(backoffMs(round, this.retry));
    }
  }

  private async request(
    method: string,
    path: string,
    body?: Buffer | string,
    okStatuses: number[] = [],
  ): Promise<{ status: number; text: string }> {
    const what = `${method} ${path.split("?")[0]}`;
    let lastProblem = "";
    for (let attempt = 0; attempt < this.retry.attempts; attempt++) {
      let retryAfter: number | undefined;
      await this.gate.acquire();
      try {
        const res = await fetch(this.root + path, {
          method,
          headers: {
            Authorization: `Bearer ${this.options.token}`,
            ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
          },
          body,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        const text = await res.text();
        if (res.ok || okStatuses.includes(res.status)) return { status: res.status, text };
        lastProblem = `HTTP ${res.status}${this.errorDetail(text)}`;
        if (!isRetryableStatus(res.status)) {
          const hint =
            res.status === 401 || res.status === 403
              ? " (check that CLOUDFLARE_API_TOKEN may edit Workers KV in this account)"
              : "";
          throw new RunError(this.scrub(`Cloudflare API ${what} failed: ${lastProblem}${hint}`));
        }
        retryAfter = parseRetryAfter(res.headers.get("retry-after"));
      } catch (err) {
        if (err instanceof RunError) throw err;
        // Dropped connections, resets and timeouts all land here; they are retried.
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        lastProblem = `network error: ${cause?.code ?? cause?.message ?? (err as Error).message}`;
      } finally {
        this.gate.release();
      }
      const delay = backoffMs(attempt, this.retry, retryAfter);
      if (retryAfter !== undefined) this.gate.pauseUntil(Date.now() + delay);
      if (attempt + 1 < this.retry.attempts) await sleep(delay);
    }
    throw new RunError(
      this.scrub(`Cloudflare API ${what} failed after ${this.retry.attempts} attempts: ${lastProblem}`),
    );
  }

  private parse<T>(text: string, what: string): Envelope<T> {
    try {
      const envelope = JSON.parse(text) as Envelope<T>;
      if (envelope.success === false)
        throw new RunError(this.scrub(`Cloudflare API ${what} failed:${this.errorDetail(text)}`));
      return envelope;
    } catch (err) {
      if (err instanceof RunError) throw err;
      throw new RunError(`Cloudflare API ${what}: the response was not JSON`);
    }
  }

  private errorDetail(text: string): string {
    try {
      const errors = (JSON.parse(text) as Envelope<unknown>).errors ?? [];
      const first = errors[0];
      return first ? ` (${first.code ?? "?"}: ${String(first.message ?? "").slice(0, 200)})` : "";
    } catch {
      return "";
    }
  }

  private scrub(message: string): string {
    return redact(message, this.options.token);
  }
}
