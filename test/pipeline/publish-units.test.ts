// The small rules publishing rests on, each checked against hand-worked values.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { chunkPairs } from "../../pipeline/publish/cloudflare.js";
import { inParallel } from "../../pipeline/publish/in-parallel.js";
import { RequestGate } from "../../pipeline/publish/rate-limit.js";
import { redact } from "../../pipeline/publish/redact.js";
import { planRetention } from "../../pipeline/publish/retention.js";
import { backoffMs, parseRetryAfter, type RetryPolicy } from "../../pipeline/publish/retry.js";
import { formatAge } from "../../pipeline/publish/status.js";
import { createUploadProgress, formatUploadLine } from "../../pipeline/publish/upload-progress.js";
import { namespaceIdFromWranglerToml } from "../../pipeline/publish/wrangler-config.js";
import { tempDir } from "../helpers/tmp.js";

const policy = (random: number): RetryPolicy => ({
  attempts: 8,
  baseMs: 500,
  maxMs: 30_000,
  maxRetryAfterMs: 120_000,
  random: () => random,
});

describe("inParallel", () => {
  it("runs at most `limit` at once and every item once", async () => {
    let running = 0;
    let peak = 0;
    const done: number[] = [];
    await inParallel([1, 2, 3, 4, 5, 6, 7], 3, async (i) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      done.push(i);
    });
    expect(peak).toBe(3);
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("after the first failure starts nothing new, lets running items finish, throws the first error", async () => {
    const started: number[] = [];
    const finished: number[] = [];
    const run = inParallel([1, 2, 3, 4, 5, 6], 2, async (i) => {
      started.push(i);
      if (i === 1) throw new Error("first");
      if (i === 2) {
        await new Promise((r) => setTimeout(r, 20));
        finished.push(i);
        throw new Error("second");
      }
    });
    await expect(run).rejects.toThrow("first");
    expect(started).toEqual([1, 2]);
    expect(finished).toEqual([2]);
  });
});

describe("retry timing", () => {
  it("reads Retry-After as seconds or as an HTTP date", () => {
    expect(parseRetryAfter("3")).toBe(3000);
    expect(parseRetryAfter("0.5")).toBe(500);
    const now = Date.parse("2026-11-26T12:00:00Z");
    expect(parseRetryAfter("Thu, 26 Nov 2026 12:00:10 GMT", now)).toBe(10_000);
    expect(parseRetryAfter("soon")).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });

  it("backs off exponentially with full jitter, capped", () => {
    // ceiling = min(30 s, 500 ms × 2^retry); the delay is random × ceiling
    expect(backoffMs(0, policy(0.999))).toBe(499);
    expect(backoffMs(3, policy(0.5))).toBe(2000);
    expect(backoffMs(10, policy(0.5))).toBe(15_000);
    expect(backoffMs(3, policy(0))).toBe(0);
  });

  it("never retries sooner than Retry-After, and caps an absurd one", () => {
    expect(backoffMs(0, policy(0), 4000)).toBe(4000);
    expect(backoffMs(5, policy(0.5), 4000)).toBe(4250); // + jitter of up to min(1 s, base)
    expect(backoffMs(0, policy(0), 3_600_000)).toBe(120_000);
  });
});

describe("request gate", () => {
  it("holds the rate window: the 4th of 3-per-300 ms waits for the first to age out", async () => {
    const gate = new RequestGate({ limit: 3, windowMs: 300, concurrency: 10 });
    const t0 = Date.now();
    const starts: number[] = [];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        await gate.acquire();
        starts.push(Date.now() - t0);
        gate.release();
      }),
    );
    starts.sort((a, b) => a - b);
    expect(starts[2]).toBeLessThan(150);
    expect(starts[3]).toBeGreaterThanOrEqual(295);
  });

  it("never has more than `concurrency` holders", async () => {
    const gate = new RequestGate({ limit: 1000, windowMs: 1000, concurrency: 2 });
    let holders = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        await gate.acquire();
        peak = Math.max(peak, ++holders);
        await new Promise((r) => setTimeout(r, 20));
        holders--;
        gate.release();
      }),
    );
    expect(peak).toBe(2);
    expect(gate.inFlight).toBe(0);
  });
});

describe("bulk request sizing", () => {
  it("splits at 10,000 pairs and at the byte limit", () => {
    const pairs = Array.from({ length: 25_001 }, (_, i) => ({ key: `k${i}`, value: "v" }));
    expect(chunkPairs(pairs).map((c) => c.length)).toEqual([10_000, 10_000, 5_001]);
    // {"key":"kN","value":"xxxxxxxxxx"} is 33 bytes, + 1 separator; 2 for the brackets
    const ten = Array.from({ length: 6 }, (_, i) => ({ key: `k${i}`, value: "x".repeat(10) }));
    expect(chunkPairs(ten, 100, 2 + 34 * 2).map((c) => c.length)).toEqual([2, 2, 2]);
  });
});

describe("retention plan", () => {
  const v = (d: number) => `202611${String(d).padStart(2, "0")}T000000Z-aaaaaa`;

  it("keeps the newest N up to the live one and deletes older ones", () => {
    expect(planRetention([v(1), v(2), v(3), v(4)], v(4), v(3), 2)).toEqual({
      keep: [v(3), v(4)],
      remove: [v(1), v(2)],
    });
  });

  it("always keeps the version live just before the switch, even with N = 1", () => {
    expect(planRetention([v(1), v(2), v(3)], v(3), v(1), 1)).toEqual({ keep: [v(1), v(3)], remove: [v(2)] });
  });

  it("prefers the previously live version over a newer one a rollback stepped away from", () => {
    // v2 was rolled back to v1; now v3 is published: v1 (was live) stays, v2 goes.
    expect(planRetention([v(1), v(2), v(3)], v(3), v(1), 2)).toEqual({ keep: [v(1), v(3)], remove: [v(2)] });
  });

  it("never deletes versions newer than the live one (another publish may be uploading them)", () => {
    expect(planRetention([v(1), v(2), v(5)], v(2), undefined, 1)).toEqual({
      keep: [v(2), v(5)],
      remove: [v(1)],
    });
  });
});

describe("small formats", () => {
  it("progress reads like wrangler's, with requests in flight", () => {
    expect(formatUploadLine(20_000, 50_000, 3)).toBe(
      "Uploaded 40% (20,000 of 50,000 keys, 3 requests in flight)",
    );
    expect(formatUploadLine(1, 3, 1)).toBe("Uploaded 33% (1 of 3 keys, 1 request in flight)");
  });

  it("rewrites one line on a terminal, prints plain lines elsewhere", () => {
    const sink = (isTTY: boolean) => {
      const out = {
        text: "",
        isTTY,
        write: (t: string) => {
          out.text += t;
          return true;
        },
      };
      return out;
    };
    const tty = sink(true);
    const p = createUploadProgress({ inFlight: () => 2, stream: tty as unknown as NodeJS.WriteStream });
    p.update(5, 10);
    p.update(10, 10);
    p.stop("done");
    expect(tty.text).toBe(
      "\r\x1b[2KUploaded 50% (5 of 10 keys, 2 requests in flight)\r\x1b[2KUploaded 100% (10 of 10 keys, 2 requests in flight)\ndone\n",
    );
    const plain = sink(false);
    const q = createUploadProgress({
      inFlight: () => 0,
      stream: plain as unknown as NodeJS.WriteStream,
      intervalMs: 60_000,
    });
    q.update(1, 10); // first line
    q.update(5, 10); // within the interval: skipped
    q.update(10, 10); // the end is always shown
    expect(plain.text).toBe(
      "Uploaded 10% (1 of 10 keys, 0 requests in flight)\nUploaded 100% (10 of 10 keys, 0 requests in flight)\n",
    );
  });

  it("ages", () => {
    expect(formatAge(42)).toBe("42 s");
    expect(formatAge(90)).toBe("1 min");
    expect(formatAge(7500)).toBe("2 h 5 min");
    expect(formatAge(3 * 86400 + 3600)).toBe("3 d 1 h");
  });

  it("redacts every occurrence of the secret", () => {
    expect(redact("a tok-123456 b tok-123456", "tok-123456")).toBe("a [redacted] b [redacted]");
  });

  it("reads the RECS namespace of the top level or of an environment from wrangler.toml", () => {
    const file = join(tempDir(), "wrangler.toml");
    writeFileSync(
      file,
      'name = "x"\n[[kv_namespaces]]\nbinding = "OTHER"\nid = "o"\n[[kv_namespaces]]\nbinding = "RECS"\nid = "local-id"\n' +
        '[env.production]\nname = "x"\n[[env.production.kv_namespaces]]\nbinding = "RECS"\nid = "prod-id"\n',
    );
    expect(namespaceIdFromWranglerToml(file)).toBe("local-id");
    expect(namespaceIdFromWranglerToml(file, "production")).toBe("prod-id");
    expect(() => namespaceIdFromWranglerToml(file, "staging")).toThrow(/env\.staging/);
  });

  it("reads wrangler.toml as TOML: inline tables, literal strings, commented-out ids", () => {
    const file = join(tempDir(), "wrangler.toml");
    writeFileSync(
      file,
      "kv_namespaces = [{ id = 'inline-id', binding = 'RECS' }]\n" +
        '[env.production]\n# id = "commented-out"\n' +
        'kv_namespaces = [ { binding = "OTHER", id = "o" }, { binding = "RECS", id = "prod-id" } ]\n',
    );
    expect(namespaceIdFromWranglerToml(file)).toBe("inline-id");
    expect(namespaceIdFromWranglerToml(file, "production")).toBe("prod-id");
    const broken = join(tempDir(), "wrangler.toml");
    writeFileSync(broken, '[[kv_namespaces]]\nbinding = "RECS"\nid = "unterminated\n');
    expect(() => namespaceIdFromWranglerToml(broken)).toThrow(/not valid TOML \(line 3/);
  });
});
