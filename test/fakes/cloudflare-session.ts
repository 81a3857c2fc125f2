// Test plumbing around the fake KV API: a fake per test, the CLI pointed at it through
// the same environment variables an analyst sets, and the token a test can look for.
import { type CliResult, runCli } from "../helpers/cli.js";
import { type FakeKvApi, startFakeKvApi } from "./kv-api.js";

export const TOKEN = "cf-test-TOKEN-5f2b9c71e0d4";
export const ACCOUNT = "acct0123";
export const NAMESPACE = "ns0123";

export interface Session {
  fake: FakeKvApi;
  /** `audience <args> --target cloudflare --namespace-id NAMESPACE`, in-process. */
  cli(...args: string[]): Promise<CliResult>;
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function cloudflareSession(): Promise<Session> {
  const fake = await startFakeKvApi({ token: TOKEN, accountId: ACCOUNT, namespaceId: NAMESPACE });
  // Short backoff so retry tests take milliseconds; Retry-After is still honoured in full.
  const env = {
    CLOUDFLARE_API_TOKEN: TOKEN,
    CLOUDFLARE_ACCOUNT_ID: ACCOUNT,
    CLOUDFLARE_API_BASE_URL: fake.url,
    AUDIENCE_RETRY_BASE_MS: "10",
  };
  return {
    fake,
    env,
    cli: (...args) =>
      runWithEnv(env, () => runCli(...args, "--target", "cloudflare", "--namespace-id", NAMESPACE)),
    close: () => fake.close(),
  };
}

/** The store as a plain sorted object, for comparing two end states. */
export function snapshot(fake: FakeKvApi): Record<string, string> {
  return Object.fromEntries([...fake.store].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Runs `work` with these environment variables set, then puts the old values back. */
export async function runWithEnv<T>(env: Record<string, string>, work: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return await work();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
