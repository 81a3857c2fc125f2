// Keeps a client inside the account's API budget (Cloudflare: 1,200 requests per
// 5 minutes) and caps requests in flight. A 429 pauses every lane, not just the one
// that saw it.
import { sleep } from "./retry.js";

export interface RateLimitOptions {
  /** Requests allowed per window; below the account limit so other tools keep some room. */
  limit: number;
  windowMs: number;
  concurrency: number;
}

export const CLOUDFLARE_RATE: RateLimitOptions = { limit: 1_100, windowMs: 5 * 60_000, concurrency: 4 };

export class RequestGate {
  private readonly starts: number[] = [];
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private pausedUntil = 0;

  constructor(
    private readonly options: RateLimitOptions,
    private readonly now: () => number = Date.now,
  ) {}

  get inFlight(): number {
    return this.active;
  }

  /** Every lane waits until `at` (a server asked us to slow down). */
  pauseUntil(at: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, at);
  }

  async acquire(): Promise<void> {
    if (this.active >= this.options.concurrency) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    // Holding a slot from here on; now wait for the window and any pause.
    for (;;) {
      const now = this.now();
      while (this.starts.length > 0 && this.starts[0] <= now - this.options.windowMs) this.starts.shift();
      const pauseLeft = this.pausedUntil - now;
      if (pauseLeft > 0) {
        await sleep(pauseLeft);
        continue;
      }
      if (this.starts.length < this.options.limit) {
        this.starts.push(now);
        return;
      }
      await sleep(this.starts[0] + this.options.windowMs - now + 1);
    }
  }

  release(): void {
    const next = this.waiting.shift();
    if (next)
      next(); // the slot passes straight to the next waiter
    else this.active--;
  }
}
