// Drives the CLI in-process (as honojs/cli's tests do) and captures what it prints.
import { main } from "../../pipeline/cli.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(...args: string[]): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    const code = await main(["node", "audience", ...args]);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

/** `audience run CSV --target local` into a Miniflare KV folder: the published build tests serve. */
export function runToLocalKv(csv: string, outDir: string, namespaceId: string, persistTo: string) {
  return runCli(
    "run",
    csv,
    "--out",
    outDir,
    "--target",
    "local",
    "--namespace-id",
    namespaceId,
    "--persist-to",
    persistTo,
    "--quiet",
  );
}
