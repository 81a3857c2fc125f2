// Reads what publish needs from wrangler.toml: the RECS namespace id. A tiny reader on
// purpose: loading wrangler itself costs a second of start-up for one string.
import { readFileSync } from "node:fs";
import { UsageError } from "../errors.js";

export const KV_BINDING = "RECS";

/** The namespace id of binding RECS, top-level or in `[env.<env>]`. */
export function namespaceIdFromWranglerToml(file = "wrangler.toml", env?: string): string {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new UsageError(`cannot read ${file}: pass --namespace-id`);
  }
  const header = env ? `[[env.${env}.kv_namespaces]]` : "[[kv_namespaces]]";
  const blocks = text.split(/^(?=\[)/m).filter((b) => b.startsWith(header));
  for (const block of blocks) {
    const binding = /^\s*binding\s*=\s*"([^"]+)"/m.exec(block)?.[1];
    const id = /^\s*id\s*=\s*"([^"]+)"/m.exec(block)?.[1];
    if (binding === KV_BINDING && id) return id;
  }
  throw new UsageError(`${file} has no ${header} entry with binding = "${KV_BINDING}": pass --namespace-id`);
}
