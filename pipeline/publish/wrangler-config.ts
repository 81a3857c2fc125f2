// Reads what publish needs from wrangler.toml: the RECS namespace id. A TOML parser rather
// than wrangler's own config reader: loading wrangler costs a second of start-up for one string.
import { readFileSync } from "node:fs";
import { parse, TomlError } from "smol-toml";
import { UsageError } from "../errors.js";

export const KV_BINDING = "RECS";

interface KvNamespace {
  binding?: unknown;
  id?: unknown;
}

function tableArray(value: unknown): KvNamespace[] {
  return Array.isArray(value) ? (value as KvNamespace[]) : [];
}

/** The namespace id of binding RECS, top-level or in `[env.<env>]`. */
export function namespaceIdFromWranglerToml(file = "wrangler.toml", env?: string): string {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new UsageError(`cannot read ${file}: pass --namespace-id`);
  }
  let config: Record<string, unknown>;
  try {
    config = parse(text);
  } catch (err) {
    const where = err instanceof TomlError ? ` (line ${err.line}, column ${err.column})` : "";
    throw new UsageError(`${file} is not valid TOML${where}: pass --namespace-id`);
  }
  const scope = env
    ? ((config.env as Record<string, Record<string, unknown>> | undefined)?.[env] ?? {})
    : config;
  const header = env ? `[[env.${env}.kv_namespaces]]` : "[[kv_namespaces]]";
  const entry = tableArray(scope.kv_namespaces).find((ns) => ns.binding === KV_BINDING);
  if (typeof entry?.id === "string" && entry.id !== "") return entry.id;
  throw new UsageError(`${file} has no ${header} entry with binding = "${KV_BINDING}": pass --namespace-id`);
}
