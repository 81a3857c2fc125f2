// Rollback switches meta/current back to a retained version, only once that version is
// shown to be whole; retention around rollbacks keeps the right versions.
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { keys, POINTER_KEY } from "../../worker/contract.js";
import { writeTinyBuild } from "../fakes/build-dir.js";
import { cloudflareSession, type Session } from "../fakes/cloudflare-session.js";
import { tempDir } from "../helpers/tmp.js";

const V1 = "20261120T090000Z-aaaaaa";
const V2 = "20261123T090000Z-bbbbbb";
const V3 = "20261126T164500Z-3fa2c1";

let s: Session;
let root: string;
beforeEach(async () => {
  s = await cloudflareSession();
  root = tempDir("pa-rb-");
});
afterEach(async () => {
  await s.close();
});

const live = () => JSON.parse(s.fake.store.get(POINTER_KEY) ?? "null") as { version: string } | null;
const versionKeys = (v: string) => [...s.fake.store.keys()].filter((k) => k.startsWith(`v/${v}/`)).length;

describe("audience rollback", () => {
  it("goes back to the previous retained version, and forward again with --to", async () => {
    const v1 = await writeTinyBuild(root, V1, 2, 5);
    const v2 = await writeTinyBuild(root, V2, 2, 5);
    expect((await s.cli("publish", v1.dir, "--quiet")).code).toBe(0);
    expect((await s.cli("publish", v2.dir, "--quiet")).code).toBe(0);

    const back = await s.cli("rollback");
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout.trim()).toBe(V1);
    expect(back.stderr).toContain(`${V2} → ${V1}`);
    // The pointer rebuilt from V1's meta is the one V1's build wrote.
    expect(JSON.parse(s.fake.store.get(POINTER_KEY)!)).toEqual(v1.manifest.pointer);

    const none = await s.cli("rollback");
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(
      `no retained version older than the live ${V1}; pass --to with one of: ${V2}`,
    );

    const forward = await s.cli("rollback", "--to", V2);
    expect(forward.code, forward.stderr).toBe(0);
    expect(JSON.parse(s.fake.store.get(POINTER_KEY)!)).toEqual(v2.manifest.pointer);
  });

  it("steps back in publish order, not build-time order", async () => {
    // V2 is the newer build, but V1 was published after it.
    const v2 = await writeTinyBuild(root, V2, 1, 5);
    const v1 = await writeTinyBuild(root, V1, 1, 5);
    expect((await s.cli("publish", v2.dir, "--quiet")).code).toBe(0);
    expect((await s.cli("publish", v1.dir, "--quiet")).code).toBe(0);
    expect(JSON.parse(s.fake.store.get("meta/published")!)).toEqual([V2, V1]);

    const back = await s.cli("rollback");
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout.trim()).toBe(V2);
    expect(JSON.parse(s.fake.store.get(POINTER_KEY)!)).toEqual(v2.manifest.pointer);
    // Nothing was published before V2.
    const none = await s.cli("rollback");
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(
      `no retained version older than the live ${V2}; pass --to with one of: ${V1}`,
    );
  });

  it("refuses a version that is gone or incomplete, and leaves the pointer alone", async () => {
    expect((await s.cli("publish", (await writeTinyBuild(root, V1, 1, 5)).dir, "--quiet")).code).toBe(0);
    expect((await s.cli("publish", (await writeTinyBuild(root, V2, 1, 5)).dir, "--quiet")).code).toBe(0);
    const pointer = s.fake.store.get(POINTER_KEY);

    const unknown = await s.cli("rollback", "--to", "20250101T000000Z-cccccc");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("version 20250101T000000Z-cccccc is not retained");

    s.fake.store.delete(keys.fallback(V1, 5));
    const broken = await s.cli("rollback", "--to", V1);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(`version ${V1} is incomplete (${keys.fallback(V1, 5)} is missing)`);

    s.fake.store.set(keys.fallback(V1, 5), "{}");
    s.fake.store.delete(keys.rec(V1, "1002", 5));
    const short = await s.cli("rollback");
    expect(short.code).toBe(1);
    expect(short.stderr).toContain(`version ${V1} is incomplete (7 of 8 keys)`);
    expect(s.fake.store.get(POINTER_KEY)).toBe(pointer);
  });

  it("after a rollback, the next publish keeps the version that was live; the one rolled back from goes one publish later", async () => {
    const V4 = "20261128T000000Z-ffffff";
    for (const v of [V1, V2])
      expect((await s.cli("publish", (await writeTinyBuild(root, v, 1, 5)).dir, "--quiet")).code).toBe(0);
    expect((await s.cli("rollback")).code).toBe(0);
    expect(live()?.version).toBe(V1);
    const r = await s.cli("publish", (await writeTinyBuild(root, V3, 1, 5)).dir, "--keep", "2");
    expect(r.code, r.stderr).toBe(0);
    // V1 was live a moment ago: kept. V2 sits between V1 and V3: left for now.
    expect([V1, V2, V3].map(versionKeys)).toEqual([8, 8, 8]);
    expect(live()?.version).toBe(V3);
    const next = await s.cli("publish", (await writeTinyBuild(root, V4, 1, 5)).dir, "--keep", "2");
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toContain(`removed old version ${V1} (8 keys)`);
    expect(next.stderr).toContain(`removed old version ${V2} (8 keys)`);
    expect([V1, V2, V3, V4].map(versionKeys)).toEqual([0, 0, 8, 8]);
  });
});

describe("retention", () => {
  it("keeps the last N versions and deletes only older ones, with bulk deletes", async () => {
    const V0 = "20261101T000000Z-dddddd";
    const builds = await Promise.all([V0, V1, V2].map((v) => writeTinyBuild(root, v, 2, 5)));
    for (const b of builds) expect((await s.cli("publish", b.dir, "--quiet")).code).toBe(0);
    // Default retention is 2: publishing V2 removed V0 only.
    expect(versionKeys(V0)).toBe(0);
    expect(versionKeys(V1)).toBe(13);
    expect(versionKeys(V2)).toBe(13);

    // Keys of a version newer than live (someone else's upload in progress) are never touched.
    const V9 = "20261130T000000Z-eeeeee";
    s.fake.store.set(keys.rec(V9, "1", 5), "partial");
    const deletesBefore = s.fake.count("delete");
    const listsBefore = s.fake.count("list");
    const r = await s.cli("publish", (await writeTinyBuild(root, V3, 2, 5)).dir, "--keep", "1");
    expect(r.code, r.stderr).toBe(0);
    // keep 1, but V2 was live a moment ago (workers still read it): only V1 goes
    expect(versionKeys(V1)).toBe(0);
    expect(versionKeys(V2)).toBe(13);
    expect(versionKeys(V3)).toBe(13);
    expect(s.fake.store.get(keys.rec(V9, "1", 5))).toBe("partial");
    expect(s.fake.count("delete") - deletesBefore).toBe(1); // 13 keys: one bulk delete
    expect(s.fake.requests.filter((q) => q.op === "delete").every((q) => q.status === 200)).toBe(true);
    // No listing of the whole namespace: two probes for the oldest version, and V1's keys
    // came from its build directory.
    expect(s.fake.count("list") - listsBefore).toBe(2);

    // Without the old build directory, its keys are listed instead.
    rmSync(join(root, V2), { recursive: true });
    const V4 = "20261128T000000Z-ffffff";
    const listsBefore4 = s.fake.count("list");
    expect(
      (await s.cli("publish", (await writeTinyBuild(root, V4, 1, 5)).dir, "--keep", "1", "--quiet")).code,
    ).toBe(0);
    expect(versionKeys(V2)).toBe(0);
    expect(versionKeys(V3)).toBe(13);
    expect(s.fake.count("list") - listsBefore4).toBe(3); // probe, v/V2/ (13 keys: one page), probe
  });

  it("reads retainVersions from --config", async () => {
    const config = join(root, "config.json");
    writeFileSync(config, JSON.stringify({ retainVersions: 3 }));
    const V0 = "20261101T000000Z-dddddd";
    for (const v of [V0, V1, V2, V3])
      expect(
        (await s.cli("publish", (await writeTinyBuild(root, v, 1, 5)).dir, "--quiet", "--config", config))
          .code,
      ).toBe(0);
    expect([V0, V1, V2, V3].map(versionKeys)).toEqual([0, 8, 8, 8]);
  });
});
