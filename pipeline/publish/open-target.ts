// Turns `--target local|cloudflare` (+ --namespace-id, --env, --persist-to) into a KV
// target. The namespace comes from wrangler.toml's RECS binding unless given.
import { UsageError } from "../errors.js";
import { CloudflareKv, cloudflareCredentials, cloudflareTargetName } from "./cloudflare.js";
import { DEFAULT_LOCAL_PERSIST, localTargetName, openLocalTarget } from "./local.js";
import { DEFAULT_RETRY, type RetryPolicy } from "./retry.js";
import type { KvTarget } from "./target.js";
import { namespaceIdFromWranglerToml } from "./wrangler-config.js";

/** The `--target` values; commander refuses any other before a command runs. */
export const TARGET_KINDS = ["local", "cloudflare"] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

export interface TargetOptions {
  target: TargetKind;
  namespaceId?: string;
  persistTo?: string;
  /** wrangler environment whose RECS binding to use, e.g. `production`. */
  env?: string;
  quiet?: boolean;
}

export interface ResolvedTarget {
  kind: TargetKind;
  name: string;
  identity: string;
  /** The token, so commands can scrub it from anything they print. */
  secret?: string;
  open(): Promise<KvTarget>;
}

/** AUDIENCE_RETRY_ATTEMPTS / AUDIENCE_RETRY_BASE_MS tune retries (tests, very slow links). */
function retryPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): RetryPolicy {
  const int = (name: string, fallback: number, min: number) => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min)
      throw new UsageError(`${name} must be an integer >= ${min}, got "${raw}"`);
    return n;
  };
  return {
    ...DEFAULT_RETRY,
    attempts: int("AUDIENCE_RETRY_ATTEMPTS", DEFAULT_RETRY.attempts, 1),
    baseMs: int("AUDIENCE_RETRY_BASE_MS", DEFAULT_RETRY.baseMs, 0),
  };
}

export function resolveTarget(opts: TargetOptions): ResolvedTarget {
  if (opts.target === "local") {
    const namespaceId = opts.namespaceId ?? namespaceIdFromWranglerToml("wrangler.toml", opts.env);
    const persist = opts.persistTo ?? DEFAULT_LOCAL_PERSIST;
    return {
      kind: "local",
      ...localTargetName(namespaceId, persist),
      open: () => openLocalTarget(namespaceId, persist),
    };
  }
  const { token, accountId, baseUrl } = cloudflareCredentials();
  const namespaceId = opts.namespaceId ?? namespaceIdFromWranglerToml("wrangler.toml", opts.env);
  const retry = retryPolicyFromEnv();
  return {
    kind: "cloudflare",
    ...cloudflareTargetName(accountId, namespaceId, baseUrl),
    secret: token,
    open: async () => new CloudflareKv({ token, accountId, namespaceId, baseUrl, retry }),
  };
}
