// manifest.json is checked against the build's own meta value and the parts it lists:
// any edit of it is refused with exit 2 before the first write.
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { defaultConfig } from "../../pipeline/config.js";
import { generate } from "../../pipeline/generate/generate.js";
import { build } from "../../pipeline/serialize/build.js";
import { cloudflareSession, type Session } from "../fakes/cloudflare-session.js";
import { tempDir } from "../helpers/tmp.js";

// biome-ignore lint/suspicious/noExplicitAny: a manifest being tampered with is any JSON
type Json = any;

let s: Session;
let original: string;
const root = tempDir("pa-integrity-");

beforeAll(async () => {
  const log = join(root, "log.csv");
  await generate({ rows: 1500, seed: "integrity", out: log });
  original = (await build({ inputs: [log], outDir: join(root, "out"), config: defaultConfig() })).dir;
});
beforeEach(async () => {
  s = await cloudflareSession();
});
afterEach(async () => {
  await s.close();
});

let copies = 0;
/** A copy of the build with its manifest edited by `edit`. */
function tampered(edit: (m: Json, dir: string) => void): string {
  const dir = join(root, `copy-${++copies}`);
  cpSync(original, dir, { recursive: true });
  const file = join(dir, "manifest.json");
  const manifest = JSON.parse(readFileSync(file, "utf8"));
  edit(manifest, dir);
  writeFileSync(file, JSON.stringify(manifest, null, 2));
  return dir;
}

async function refused(dir: string, expected: string | RegExp): Promise<void> {
  const r = await s.cli("publish", dir, "--quiet");
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toContain("cannot be published");
  expect(r.stderr).toContain("nothing was written");
  if (typeof expected === "string") expect(r.stderr).toContain(expected);
  else expect(r.stderr).toMatch(expected);
  expect(s.fake.requests.filter((q) => q.op === "write")).toHaveLength(0);
}

describe("publish refuses an edited manifest", () => {
  it("publishes the untouched build", async () => {
    const r = await s.cli(
      "publish",
      tampered(() => {}),
      "--quiet",
    );
    expect(r.code, r.stderr).toBe(0);
  });

  it("a product count edited consistently in counts and pointer", async () => {
    const dir = tampered((m) => {
      m.counts.products += 1000;
      m.pointer.products += 1000;
    });
    await refused(dir, /counts\.products is \d+ but the build's meta says \d+/);
  });

  it("a variant added in both places", async () => {
    const dir = tampered((m) => {
      m.variants.push(500);
      m.pointer.variants.push(500);
    });
    await refused(
      dir,
      "manifest.json: variants is [5,10,20,50,100,500] but the build's meta says [5,10,20,50,100]",
    );
  });

  it("key, byte and customer counts", async () => {
    await refused(
      tampered((m) => (m.counts.customers += 1)),
      /counts\.customers is \d+ but the build's meta says/,
    );
    await refused(
      tampered((m) => (m.counts.bytes += 1)),
      /counts\.bytes is \d+ but the parts' values hold \d+ bytes/,
    );
    await refused(
      tampered((m) => (m.file_bytes += 1)),
      /file_bytes is \d+ but the parts are \d+ bytes/,
    );
  });

  it("the generation time, id type and fingerprint", async () => {
    await refused(
      tampered((m) => {
        m.generated_at = "2020-01-01T00:00:00Z";
        m.pointer.generated_at = "2020-01-01T00:00:00Z";
      }),
      'generated_at is "2020-01-01T00:00:00Z"',
    );
    await refused(
      tampered((m) => {
        m.id_type = m.id_type === "number" ? "string" : "number";
        m.pointer.id_type = m.id_type;
      }),
      "id_type is",
    );
    await refused(
      tampered((m) => (m.fingerprint = "0".repeat(64))),
      "fingerprint is",
    );
  });

  it("a part left out of the list, or listed twice", async () => {
    const many = tampered((m) => {
      // One part file with two entries: the second is a duplicate listing.
      m.parts.push({ ...m.parts[0] });
    });
    await refused(many, `manifest.json: ${"kv/part-0001.json"} is listed twice`);
    const dropped = tampered((m, dir) => {
      // A second part file the manifest does not name.
      cpSync(join(dir, m.parts[0].file), join(dir, "kv/part-0002.json"));
    });
    await refused(dropped, "manifest.json: does not list kv/part-0002.json, which the build holds");
  });

  it("a part's byte size", async () => {
    await refused(
      tampered((m) => (m.parts[0].bytes += 7)),
      /kv\/part-0001\.json: \d+ bytes, the manifest says \d+/,
    );
  });

  it("a missing part file", async () => {
    const dir = tampered(() => {});
    rmSync(join(dir, "kv/part-0001.json"));
    await refused(dir, "kv/part-0001.json: missing or unreadable");
  });
});
