// The same publish semantics against the local KV `wrangler dev` reads: a real build
// from a generated log, checkpoint, retention, rollback and status.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CHECKPOINT_FILE } from "../../pipeline/publish/checkpoint.js";
import { openLocalTarget } from "../../pipeline/publish/local.js";
import { keys, POINTER_KEY } from "../../worker/contract.js";
import { writeTinyBuild } from "../fakes/build-dir.js";
import { runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

const NS = "local-publish-test";

describe("publish --target local", () => {
  it("publishes a real build, resumes, retains, rolls back and reports status", async () => {
    const dir = tempDir("pa-local-");
    const persist = join(dir, "kv");
    const local = ["--target", "local", "--namespace-id", NS, "--persist-to", persist];
    const csv = join(dir, "log.csv");
    expect((await runCli("generate", "--rows", "80", "--out", csv, "--seed", "3", "--quiet")).code).toBe(0);
    const built = await runCli("build", csv, "--out", join(dir, "out"), "--quiet");
    expect(built.code, built.stderr).toBe(0);
    const real = built.stdout.trim();
    const realDir = join(dir, "out", "builds", real);
    const manifest = JSON.parse(readFileSync(join(realDir, "manifest.json"), "utf8"));

    const first = await runCli("publish", realDir, ...local, "--quiet");
    expect(first.code, first.stderr).toBe(0);
    const checkpoint = JSON.parse(readFileSync(join(realDir, CHECKPOINT_FILE), "utf8"));
    expect(Object.keys(checkpoint.targets)).toEqual([`local:${persist}#${NS}`]);

    const again = await runCli("publish", realDir, ...local);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(
      `resuming: ${manifest.parts.length} of ${manifest.parts.length} part(s) already confirmed`,
    );

    const status = JSON.parse((await runCli("status", ...local, "--json")).stdout);
    expect(status.live).toMatchObject({
      version: real,
      keys: manifest.counts.keys,
      expected_keys: manifest.counts.keys,
    });

    // Two later hand-made versions with --keep 1: the real build survives the first
    // publish (it was live a moment ago) and goes with the second.
    const later = tempDir("pa-local-b-");
    const A = "20991230T000000Z-aaaaaa";
    const B = "20991231T000000Z-bbbbbb";
    expect(
      (
        await runCli(
          "publish",
          (
            await writeTinyBuild(later, A, 1, 5)
          ).dir,
          ...local,
          "--keep",
          "1",
          "--quiet",
        )
      ).code,
    ).toBe(0);
    let s = JSON.parse((await runCli("status", ...local, "--json")).stdout);
    expect(s.versions.map((v: { version: string }) => v.version)).toEqual([real, A]);
    const published = await runCli(
      "publish",
      (await writeTinyBuild(later, B, 1, 5)).dir,
      ...local,
      "--keep",
      "1",
    );
    expect(published.code, published.stderr).toBe(0);
    expect(published.stderr).toContain(
      `removed old version ${real} (${manifest.counts.keys.toLocaleString("en-US")} keys)`,
    );
    s = JSON.parse((await runCli("status", ...local, "--json")).stdout);
    expect(s.versions).toEqual([
      { version: A, keys: 8, live: false },
      { version: B, keys: 8, live: true },
    ]);

    const back = await runCli("rollback", ...local);
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout.trim()).toBe(A);

    // What wrangler dev would read: the pointer names A, and A's keys are there.
    const kv = await openLocalTarget(NS, persist);
    try {
      expect(JSON.parse((await kv.get(POINTER_KEY))!).version).toBe(A);
      expect(await kv.get(keys.sample(A))).toBe("[1000,1001,1002]");
      expect(await kv.listKeys(`v/${real}/`)).toEqual([]);
    } finally {
      await kv.close();
    }
  });
});
