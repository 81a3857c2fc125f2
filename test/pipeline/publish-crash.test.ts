// A publish killed mid-upload (the process, not a polite error) leaves the live version
// alone, and the same command afterwards ends in exactly the state an uninterrupted
// publish reaches, sending only what was not confirmed.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CHECKPOINT_FILE } from "../../pipeline/publish/checkpoint.js";
import { POINTER_KEY } from "../../worker/contract.js";
import { writeTinyBuild } from "../fakes/build-dir.js";
import { cloudflareSession, NAMESPACE, type Session, snapshot, TOKEN } from "../fakes/cloudflare-session.js";
import { tempDir } from "../helpers/tmp.js";

const V1 = "20261120T090000Z-aaaaaa";
const V2 = "20261126T164500Z-3fa2c1";

const sessions: Session[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close();
});

async function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function confirmedParts(dir: string): string[] {
  const file = join(dir, CHECKPOINT_FILE);
  if (!existsSync(file)) return [];
  try {
    const cp = JSON.parse(readFileSync(file, "utf8")) as {
      targets: Record<string, { parts: Record<string, string> }>;
    };
    return Object.values(cp.targets)
      .flatMap((t) => Object.keys(t.parts))
      .sort();
  } catch {
    return [];
  }
}

describe("a publish killed mid-upload", () => {
  it("leaves live untouched, and resumed ends where an uninterrupted publish ends", async () => {
    const root = tempDir("pa-crash-");
    const v1 = await writeTinyBuild(join(root, "a"), V1, 1, 5);
    const v2 = await writeTinyBuild(join(root, "a"), V2, 6, 10);

    // Reference: V1 then V2, uninterrupted, on a fake of its own.
    const ref = await cloudflareSession();
    sessions.push(ref);
    const refRoot = tempDir("pa-crash-ref-");
    expect((await ref.cli("publish", (await writeTinyBuild(refRoot, V1, 1, 5)).dir, "--quiet")).code).toBe(0);
    expect((await ref.cli("publish", (await writeTinyBuild(refRoot, V2, 6, 10)).dir, "--quiet")).code).toBe(
      0,
    );

    const s = await cloudflareSession();
    sessions.push(s);
    expect((await s.cli("publish", v1.dir, "--quiet")).code).toBe(0);
    const livePointer = s.fake.store.get(POINTER_KEY);

    // The child gets two bulk writes answered; every later one hangs until it is killed.
    s.fake.hangAfterBulkWrites = s.fake.appliedBulkWrites + 2;
    let output = "";
    const child = spawn(
      process.execPath,
      ["pipeline/bin.mjs", "publish", v2.dir, "--target", "cloudflare", "--namespace-id", NAMESPACE],
      {
        env: { ...process.env, ...s.env },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    await until(() => confirmedParts(v2.dir).length === 2, "two confirmed parts in the checkpoint");
    child.kill("SIGKILL");
    await exited;

    expect(s.fake.store.get(POINTER_KEY)).toBe(livePointer);
    expect(s.fake.pointerHistory).toHaveLength(1);
    expect(confirmedParts(v2.dir)).toHaveLength(2);
    expect(output).not.toContain(TOKEN);

    // Resume: the same command, the API healthy again.
    s.fake.hangAfterBulkWrites = undefined;
    const writesBefore = s.fake.count("write", 200);
    const r = await s.cli("publish", v2.dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("resuming: 2 of 6 part(s) already confirmed");
    // four parts left, then the pointer, then the publish order (meta/published)
    expect(s.fake.count("write", 200) - writesBefore).toBe(4 + 1 + 1);
    expect(s.fake.violations).toEqual([]);
    expect(snapshot(s.fake)).toEqual(snapshot(ref.fake));
    expect(JSON.parse(s.fake.store.get(POINTER_KEY)!).version).toBe(V2);
  });
});
