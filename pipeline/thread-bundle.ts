// Worker threads start from a bundle of their TypeScript entry: one ES module with every
// import inlined, made by esbuild on first use and kept under node_modules/.cache. Through
// tsx's loader a thread spent 0.3-0.5 s of CPU loading its modules at the start of every
// build, while the ingest needed both cores; from the bundle it loads in about 50 ms. The
// bundle is made again whenever a file it was made from has changed (size or modification
// time), so an edited source is what the next thread runs.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildSync } from "esbuild";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

interface Stamp {
  file: string;
  size: number;
  mtimeMs: number;
}

/** The URL to start a worker from for the thread whose TypeScript entry is `entry`. */
export function threadUrl(entry: URL): URL {
  const source = fileURLToPath(entry);
  const name = basename(source).replace(/\.ts$/, "");
  for (const dir of cacheDirs()) {
    const bundle = join(dir, `${name}.mjs`);
    const stamps = join(dir, `${name}.inputs.json`);
    if (fresh(stamps, bundle)) return pathToFileURL(bundle);
    try {
      make(source, dir, bundle, stamps);
      return pathToFileURL(bundle);
    } catch (err) {
      // A read-only install: try the next place; a source that does not compile: say so.
      if (!isWriteError(err)) throw err;
    }
  }
  throw new Error(`cannot write the ${name} thread's bundle under node_modules/.cache or ${tmpdir()}`);
}

function cacheDirs(): string[] {
  const checkout = ROOT.replace(/[^A-Za-z0-9]+/g, "-").slice(-80);
  return [
    join(ROOT, "node_modules", ".cache", "product-audience", "threads"),
    join(tmpdir(), `product-audience-threads${checkout}`),
  ];
}

function fresh(stampsFile: string, bundle: string): boolean {
  try {
    statSync(bundle);
    const stamps = JSON.parse(readFileSync(stampsFile, "utf8")) as Stamp[];
    return stamps.every((s) => {
      const now = statSync(s.file);
      return now.size === s.size && now.mtimeMs === s.mtimeMs;
    });
  } catch {
    return false;
  }
}

function make(source: string, dir: string, bundle: string, stampsFile: string): void {
  mkdirSync(dir, { recursive: true });
  const started = Date.now();
  const result = buildSync({
    entryPoints: [source],
    absWorkingDir: ROOT,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    write: false,
    metafile: true,
    logLevel: "silent",
    // CommonJS packages inlined into an ES module still call require() for Node's own modules.
    banner: {
      js: 'import { createRequire } from "node:module"; const require = createRequire(import.meta.url);',
    },
  });
  const stamps: Stamp[] = Object.keys(result.metafile.inputs).map((input) => {
    const file = resolve(ROOT, input);
    const { size, mtimeMs } = statSync(file);
    return { file, size, mtimeMs };
  });
  // Written aside and renamed into place: builds running side by side (tests) never see half a file.
  const unique = `${process.pid}-${Math.random().toString(36).slice(2)}`;
  writeFileSync(`${bundle}.${unique}`, result.outputFiles[0].contents);
  renameSync(`${bundle}.${unique}`, bundle);
  // A source saved while esbuild read it may not be in the bundle: then no stamps, so the next thread bundles again.
  if (stamps.some((s) => s.mtimeMs >= started - 1000)) return;
  writeFileSync(`${stampsFile}.${unique}`, JSON.stringify(stamps));
  renameSync(`${stampsFile}.${unique}`, stampsFile);
}

function isWriteError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === "EACCES" || code === "EROFS" || code === "EPERM" || code === "ENOSPC";
}
