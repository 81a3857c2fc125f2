// wrangler.toml states each environment's rate-limit period twice: in the [[ratelimits]]
// binding (which the runtime enforces but does not expose) and as RATE_LIMIT_PERIOD_SECONDS
// (the 429's Retry-After). They must agree, and a load test must not share production's limit.
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import wranglerToml from "../../wrangler.toml?raw";

interface EnvConfig {
  vars?: Record<string, string>;
  ratelimits?: { name: string; namespace_id: string; simple: { limit: number; period: number } }[];
}
const config = parse(wranglerToml) as unknown as EnvConfig & { env: Record<string, EnvConfig> };
const environments: [string, EnvConfig][] = [["top level", config], ...Object.entries(config.env)];

describe("wrangler.toml", () => {
  it("has production and loadtest environments", () => {
    expect(Object.keys(config.env).sort()).toEqual(["loadtest", "production"]);
  });

  for (const [name, env] of environments) {
    it(`${name}: RATE_LIMIT_PERIOD_SECONDS is the period of its rate limiter`, () => {
      const limiter = env.ratelimits?.find((r) => r.name === "RATE_LIMITER");
      expect(limiter).toBeDefined();
      expect(Number(env.vars?.RATE_LIMIT_PERIOD_SECONDS)).toBe(limiter?.simple.period);
    });
  }

  it("gives load tests a limit of their own, far above production's", () => {
    const production = config.env.production.ratelimits?.[0];
    const loadtest = config.env.loadtest.ratelimits?.[0];
    expect(loadtest?.namespace_id).not.toBe(production?.namespace_id);
    expect(loadtest?.simple.limit).toBeGreaterThanOrEqual(100 * (production?.simple.limit ?? 0));
  });
});
