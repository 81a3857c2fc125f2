// `audience status`: what is live, how old, how many keys, what is retained.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { keys } from "../../worker/contract.js";
import { writeTinyBuild } from "../fakes/build-dir.js";
import { cloudflareSession, type Session } from "../fakes/cloudflare-session.js";
import { tempDir } from "../helpers/tmp.js";

const V1 = "20261120T090000Z-aaaaaa";
const V2 = "20261126T164500Z-3fa2c1";

let s: Session;
beforeEach(async () => {
  s = await cloudflareSession();
});
afterEach(async () => {
  await s.close();
});

describe("audience status", () => {
  it("says when nothing is published", async () => {
    const r = await s.cli("status");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("live: nothing published (no meta/current)");
    const j = await s.cli("status", "--json");
    expect(JSON.parse(j.stdout)).toMatchObject({ live: null, versions: [] });
  });

  it("shows the live version, its age, its key count and the retained versions", async () => {
    const root = tempDir("pa-status-");
    expect((await s.cli("publish", (await writeTinyBuild(root, V1, 1, 5)).dir, "--quiet")).code).toBe(0);
    expect((await s.cli("publish", (await writeTinyBuild(root, V2, 2, 10)).dir, "--quiet")).code).toBe(0);

    const j = await s.cli("status", "--json");
    expect(j.code, j.stderr).toBe(0);
    const status = JSON.parse(j.stdout);
    // V2: 20 rec keys + sample + fallback + meta = 23; V1: 5 + 3 = 8
    expect(status.live).toMatchObject({
      version: V2,
      generated_at: "2026-11-26T16:45:00Z",
      keys: 23,
      expected_keys: 23,
      products: 20,
    });
    const age = (Date.now() - Date.parse("2026-11-26T16:45:00Z")) / 1000;
    expect(Math.abs(status.live.age_seconds - age)).toBeLessThan(5);
    expect(status.versions).toEqual([
      { version: V1, keys: 8, live: false },
      { version: V2, keys: 23, live: true },
    ]);

    const t = await s.cli("status");
    expect(t.stdout).toContain(`live: ${V2} (generated 2026-11-26T16:45:00Z,`);
    expect(t.stdout).toContain("keys: 23 (complete), 20 products");
    expect(t.stdout).toContain("retained versions: 2");
    expect(t.stdout).toMatch(new RegExp(`${V2}\\s+23 keys\\s+\\(live\\)\\n\\s+${V1}\\s+8 keys`));
  });

  it("flags a live version with missing keys", async () => {
    const root = tempDir("pa-status-");
    expect((await s.cli("publish", (await writeTinyBuild(root, V2, 1, 5)).dir, "--quiet")).code).toBe(0);
    s.fake.store.delete(keys.rec(V2, "1000", 5));
    const t = await s.cli("status");
    expect(t.stdout).toContain("keys: 7 (INCOMPLETE: its meta lists 8)");
  });
});
