// When and how long to wait before trying a request again: exponential backoff with
// full jitter (so parallel lanes do not retry in lock-step), never sooner than the
// server's Retry-After.

export interface RetryPolicy {
  /** Tries per request, the first one included. */
  attempts: number;
  baseMs: number;
  maxMs: number;
  /** A Retry-After longer than this is capped: a server asking for an hour is not waited out. */
  maxRetryAfterMs: number;
  random?: () => number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 8,
  baseMs: 500,
  maxMs: 30_000,
  maxRetryAfterMs: 120_000,
};

/** Retry-After is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(header: string | null | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const text = header.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Delay before retry number `retry` (0 = the first retry). */
export function backoffMs(retry: number, policy: RetryPolicy, retryAfterMs?: number): number {
  const random = policy.random ?? Math.random;
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** retry);
  const jittered = Math.floor(random() * ceiling);
  if (retryAfterMs === undefined) return jittered;
  // Honour the server, plus a little jitter so waiting lanes do not all return at once.
  return (
    Math.min(policy.maxRetryAfterMs, retryAfterMs) + Math.floor(random() * Math.min(1000, policy.baseMs))
  );
}

export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
