// Threads start from a bundle of their TypeScript entry (pipeline/thread-bundle.ts): the
// bundle must run the sources as they are now, made once and made again after an edit.
import { rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { afterAll, describe, expect, it } from "vitest";
import { threadUrl } from "../../pipeline/thread-bundle.js";
import { tempDir } from "../helpers/tmp.js";

/** What a worker started from `url` posts first. */
function firstMessage(url: URL): Promise<unknown> {
  const worker = new Worker(url);
  return new Promise((resolve, reject) => {
    worker.once("message", (m) => {
      void worker.terminate();
      resolve(m);
    });
    worker.once("error", reject);
  });
}

describe("thread bundles", () => {
  const dir = tempDir();
  // A name of its own, so this test's bundle never replaces a real thread's.
  const name = `bundle-check-${process.pid}`;
  const entry = join(dir, `${name}.ts`);
  const dep = join(dir, "answer.ts");
  let bundle: URL | undefined;
  afterAll(() => {
    if (!bundle) return;
    rmSync(bundle, { force: true });
    rmSync(bundle.pathname.replace(/\.mjs$/, ".inputs.json"), { force: true });
  });

  it("runs the TypeScript sources, reuses the bundle while they are unchanged, and bundles again after an edit", async () => {
    writeFileSync(
      entry,
      'import { parentPort } from "node:worker_threads";\nimport { answer } from "./answer.js";\nconst value: number = answer;\nparentPort!.postMessage(value);\n',
    );
    writeFileSync(dep, "export const answer: number = 41;\n");
    // Sources saved a moment ago may have been read half-written: such a bundle is not kept.
    for (const file of [entry, dep]) utimesSync(file, new Date(2000, 0, 1), new Date(2000, 0, 1));
    bundle = threadUrl(pathToFileURL(entry));
    expect(await firstMessage(bundle)).toBe(41);
    const made = statSync(bundle).mtimeMs;

    expect(threadUrl(pathToFileURL(entry)).href).toBe(bundle.href);
    expect(statSync(bundle).mtimeMs).toBe(made);

    // The same size, an older modification time: only the stamp tells it apart.
    writeFileSync(dep, "export const answer: number = 42;\n");
    utimesSync(dep, new Date(2001, 0, 1), new Date(2001, 0, 1));
    expect(await firstMessage(threadUrl(pathToFileURL(entry)))).toBe(42);
  });

  it("a source that does not compile is an error, not a stale thread", () => {
    const broken = join(dir, `bundle-broken-${process.pid}.ts`);
    writeFileSync(broken, "export const x = ;\n");
    expect(() => threadUrl(pathToFileURL(broken))).toThrow(/Expected|Unexpected|error/i);
  });
});
