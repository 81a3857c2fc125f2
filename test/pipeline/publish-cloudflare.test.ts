// Publishing through the (fake) Cloudflare REST API: the pointer moves last and only
// when every key is there, whatever the API throws at the client.
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { xxhash128 } from "hash-wasm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CHECKPOINT_FILE } from "../../pipeline/publish/checkpoint.js";
import { POINTER_KEY } from "../../worker/contract.js";
import { type TinyBuild, writeTinyBuild } from "../fakes/build-dir.js";
import { cloudflareSession, runWithEnv, type Session, TOKEN } from "../fakes/cloudflare-session.js";
import { runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

const V1 = "20261120T090000Z-aaaaaa";
const V2 = "20261126T164500Z-3fa2c1";

let s: Session;
let root: string;
beforeEach(async () => {
  s = await cloudflareSession();
  root = tempDir("pa-pub-");
});
afterEach(async () => {
  await s.close();
});

/** What the store must hold after publishing `b` and nothing else. */
function expectExactly(b: TinyBuild, extra: Record<string, string> = {}) {
  const want = Object.fromEntries(b.pairs.map((p) => [p.key, p.value]));
  const got = Object.fromEntries([...s.fake.store].filter(([k]) => k.startsWith(`v/${b.version}/`)));
  expect(got).toEqual(want);
  for (const [k, v] of Object.entries(extra)) expect(s.fake.store.get(k)).toBe(v);
}

describe("publish --target cloudflare", () => {
  it("uploads every key with the bearer token, then writes the pointer last", async () => {
    const b = await writeTinyBuild(root, V2, 3, 20);
    const r = await s.cli("publish", b.dir, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(V2);
    expectExactly(b);
    expect(JSON.parse(s.fake.store.get(POINTER_KEY)!)).toEqual(b.manifest.pointer);
    expect(s.fake.authFailures).toBe(0);
    // 3 parts, then the pointer: the pointer's bulk write is the last write of all
    const writes = s.fake.requests.filter((q) => q.op === "write").map((q) => q.keys);
    expect(writes.slice(0, 3).sort()).toEqual([20, 20, 23]); // parts may land in any order
    expect(writes[3]).toBe(1); // the pointer, alone, after every part
    expect(writes[4]).toBe(1); // then the publish order rollback reads (meta/published)
    expect(s.fake.pointerHistory).toHaveLength(1);
    expect(s.fake.violations).toEqual([]);
  });

  it("gets through 429 + Retry-After, 500s, dropped connections and unsuccessful keys", async () => {
    const b = await writeTinyBuild(root, V2, 4, 15);
    s.fake.inject({ op: "write", kind: "429" });
    s.fake.inject({ op: "write", kind: "500", times: 2 });
    s.fake.inject({ op: "write", kind: "drop-before" });
    s.fake.inject({ op: "write", kind: "drop-after" });
    s.fake.inject({ op: "write", kind: "unsuccessful", keys: 4, times: 2 });
    s.fake.inject({ op: "get", kind: "500" });
    const r = await s.cli("publish", b.dir, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    expectExactly(b);
    expect(s.fake.violations).toEqual([]);
    expect(s.fake.count("write", 429)).toBe(1);
    expect(s.fake.count("write", 500)).toBe(2);
    expect(s.fake.count("get", 500)).toBe(1);
  });

  it("waits as long as Retry-After asks before sending again", async () => {
    const b = await writeTinyBuild(root, V2, 1, 5);
    s.fake.inject({ op: "write", kind: "429", retryAfter: "1" });
    const r = await s.cli("publish", b.dir, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    const writes = s.fake.requests.filter((q) => q.op === "write");
    // The part (refused, then sent), the pointer, then the publish order (meta/published).
    expect(writes.map((q) => q.status)).toEqual([429, 200, 200, 200]);
    expect(writes[1].at - writes[0].at).toBeGreaterThanOrEqual(1000);
    expectExactly(b);
  });

  it("stays within a few requests in flight", async () => {
    s.fake.latencyMs = 40;
    const b = await writeTinyBuild(root, V2, 12, 5);
    const r = await s.cli("publish", b.dir, "--quiet");
    expect(r.code, r.stderr).toBe(0);
    expect(s.fake.maxInFlight).toBeGreaterThan(1);
    expect(s.fake.maxInFlight).toBeLessThanOrEqual(4);
    expectExactly(b);
  });

  it("a part the API keeps refusing: exit 1, says what failed, the live version stays", async () => {
    const old = await writeTinyBuild(root, V1, 1, 5);
    expect((await s.cli("publish", old.dir, "--quiet")).code).toBe(0);
    const livePointer = s.fake.store.get(POINTER_KEY);
    const b = await writeTinyBuild(root, V2, 3, 10);
    s.fake.inject({ op: "write", kind: "unsuccessful", keys: 2, times: 100 });
    const r = await s.cli("publish", b.dir, "--quiet");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /upload of 20261126T164500Z-3fa2c1 .* failed: 2 key\(s\) were still reported unsuccessful/,
    );
    expect(r.stderr).toContain(`the live version was not switched (still ${V1})`);
    expect(r.stderr).toMatch(/run the same command again to resume/);
    expect(s.fake.store.get(POINTER_KEY)).toBe(livePointer);
    expect(s.fake.pointerHistory).toHaveLength(1);
    expect(s.fake.violations).toEqual([]);
  });

  it("a failed read-back stops before the switch and forgets that part", async () => {
    const b = await writeTinyBuild(root, V2, 2, 10);
    // The API confirms the write but the key never lands: the fake drops the first key
    // silently by deleting it right after the first bulk write is applied.
    const first = b.pairs[0].key;
    const interval = setInterval(() => s.fake.store.delete(first), 1);
    const r = await s.cli("publish", b.dir, "--quiet");
    clearInterval(interval);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`read-back failed: 1 of`);
    expect(r.stderr).toContain(first);
    expect(s.fake.store.has(POINTER_KEY)).toBe(false);
    const cp = JSON.parse(readFileSync(join(b.dir, CHECKPOINT_FILE), "utf8"));
    const parts = Object.values(cp.targets as Record<string, { parts: Record<string, string> }>)[0].parts;
    expect(Object.keys(parts)).toEqual(["kv/part-0002.json"]);
    // and the next run sends that part again and switches
    const again = await s.cli("publish", b.dir, "--quiet");
    expect(again.code, again.stderr).toBe(0);
    expectExactly(b);
  });

  it("re-running a published build sends no key again", async () => {
    const b = await writeTinyBuild(root, V2, 3, 10);
    expect((await s.cli("publish", b.dir, "--quiet")).code).toBe(0);
    const writesBefore = s.fake.count("write");
    const listsBefore = s.fake.count("list");
    const r = await s.cli("publish", b.dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("resuming: 3 of 3 part(s) already confirmed");
    expect(s.fake.count("write") - writesBefore).toBe(1); // the pointer only
    expect(r.stderr).toContain(`${V2} was already live: retention left as it was`);
    expect(s.fake.count("list")).toBe(listsBefore);
    expectExactly(b);
  });

  it("missing credentials: one line, exit 2, nothing sent", async () => {
    const b = await writeTinyBuild(root, V2, 1, 3);
    for (const [unset, name] of [
      ["CLOUDFLARE_API_TOKEN", "CLOUDFLARE_API_TOKEN"],
      ["CLOUDFLARE_ACCOUNT_ID", "CLOUDFLARE_ACCOUNT_ID"],
    ]) {
      const env = { ...s.env, [unset]: "" };
      const r = await runWithEnv(env, () =>
        runCli("publish", b.dir, "--target", "cloudflare", "--namespace-id", "ns0123"),
      );
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toContain(`${name} is not set`);
    }
    expect(s.fake.requests).toHaveLength(0);
  });

  it("the token never appears in output, errors or files, even when the server echoes it", async () => {
    const b = await writeTinyBuild(root, V2, 2, 5);
    s.fake.inject({ op: "write", kind: "echo-auth" });
    const r = await s.cli("publish", b.dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("authorization was: Bearer [redacted]");
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
    const ok = await s.cli("publish", b.dir);
    expect(ok.code).toBe(0);
    const status = await s.cli("status", "--json");
    expect(ok.stdout + ok.stderr + status.stdout + status.stderr).not.toContain(TOKEN);
    expect(readFileSync(join(b.dir, CHECKPOINT_FILE), "utf8")).not.toContain(TOKEN);
    // a wrong token: 401, a hint, and the token still nowhere
    const bad = await runWithEnv({ ...s.env, CLOUDFLARE_API_TOKEN: "wrong-token-value-123" }, () =>
      runCli("status", "--target", "cloudflare", "--namespace-id", "ns0123"),
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("HTTP 401");
    expect(bad.stderr).not.toContain("wrong-token-value-123");
  });
});

describe("audience run --target cloudflare", () => {
  it("builds a generated log and publishes every key of the build, pointer last", async () => {
    const csv = join(root, "log.csv");
    expect((await runCli("generate", "--rows", "200", "--out", csv, "--seed", "5", "--quiet")).code).toBe(0);
    const r = await s.cli("run", csv, "--out", join(root, "out"), "--quiet");
    expect(r.code, r.stderr).toBe(0);
    const version = r.stdout.trim();
    const manifest = JSON.parse(readFileSync(join(root, "out", "builds", version, "manifest.json"), "utf8"));
    const stored = [...s.fake.store.keys()].filter((k) => k.startsWith(`v/${version}/`));
    expect(stored).toHaveLength(manifest.counts.keys);
    expect(JSON.parse(s.fake.store.get(POINTER_KEY)!)).toEqual(manifest.pointer);
    expect(s.fake.violations).toEqual([]);
  });
});

describe("validation before the first write", () => {
  it("reports every problem at once with its file and index, exit 2, and sends nothing", async () => {
    const b = await writeTinyBuild(root, V2, 3, 4);
    const p1 = join(b.dir, "kv/part-0001.json");
    const items = JSON.parse(readFileSync(p1, "utf8"));
    items[1].key = `v/${V2}/rec/${"x".repeat(600)}/5`;
    items[3].value = "y".repeat(25 * 1024 * 1024 + 1);
    items[2] = { key: "meta/current", value: "{}" };
    const text = JSON.stringify(items);
    writeFileSync(p1, text);
    const manifest = JSON.parse(readFileSync(join(b.dir, "manifest.json"), "utf8"));
    manifest.parts[0].xxh128 = await xxhash128(text);
    manifest.parts[0].bytes = Buffer.byteLength(text);
    writeFileSync(join(b.dir, "kv/part-0002.json"), "[]"); // no longer matches its hash
    manifest.pointer.version = V1;
    writeFileSync(join(b.dir, "manifest.json"), JSON.stringify(manifest));

    const r = await s.cli("publish", b.dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("cannot be published (5 problems; nothing was written)");
    expect(r.stderr).toContain(`pointer.version ${V1} is not the build's version ${V2}`);
    expect(r.stderr).toMatch(/kv\/part-0001\.json: item at index 1: key is 6\d\d bytes \(limit 512\)/);
    expect(r.stderr).toContain('kv/part-0001.json: item at index 2: key "meta/current" is outside');
    expect(r.stderr).toContain(
      `kv/part-0001.json: item at index 3: value of "v/${V2}/rec/1003/5" is 26214401 bytes (limit 26214400)`,
    );
    expect(r.stderr).toContain("kv/part-0002.json: content does not match the manifest's checksum");
    expect(s.fake.requests).toHaveLength(0);
  });
});

describe("publish --dry-run", () => {
  it("prints keys, bytes, requests and cost, and writes nothing", async () => {
    const b = await writeTinyBuild(root, V2, 3, 20); // 60 rec keys + sample + fallback + meta = 63
    const bytes = b.manifest.parts.reduce((n, p) => n + statSync(join(b.dir, p.file)).size, 0);
    const r = await s.cli("publish", b.dir, "--dry-run");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("64 writes (63 versioned keys + meta/current)");
    expect(r.stdout).toContain(`${(bytes / 1e6).toFixed(2)} MB`);
    expect(r.stdout).toContain("4 bulk write(s)");
    // 64 writes × $5 / 1,000,000 = $0.00032
    expect(r.stdout).toContain("$0.0003 at $5 per million writes");
    expect(s.fake.requests).toHaveLength(0);
    // and works before anyone has credentials
    const bare = await runWithEnv({ CLOUDFLARE_API_TOKEN: "", CLOUDFLARE_ACCOUNT_ID: "" }, () =>
      runCli("publish", b.dir, "--target", "cloudflare", "--namespace-id", "ns0123", "--dry-run"),
    );
    expect(bare.code, bare.stderr).toBe(0);
    expect(bare.stdout).toContain("64 writes");
  });
});
