// setup(): fail fast when the deployment cannot be load-tested (down, nothing published,
// wrong key), then fetch what every iteration needs: real product ids from
// /products/sample and the n-variants the live build serves.
import exec from "k6/execution";
import http from "k6/http";
import { DEFAULT_VARIANTS } from "../../worker/contract.ts";
import { type Reply, unhealthyReason } from "./checks.ts";
import { API_KEY, BASE_URL, headers, parseJson } from "./config.ts";

export interface SetupData {
  productIds: string[];
  /** Words to search for, as a marketer would type them: the start of a sampled product's name. */
  searchTerms: string[];
  /** True when the build carries ids as JSON numbers, so made-up ids should be numbers too. */
  numericIds: boolean;
  variants: number[];
  modelVersion: string;
}

function get(path: string, name: string): Reply {
  const res = http.get(`${BASE_URL}${path}`, { headers: headers(), tags: { name, phase: "setup" } });
  return { status: res.status, body: parseJson(res.body) };
}

function field(body: unknown, key: string): unknown {
  return typeof body === "object" && body !== null ? (body as Record<string, unknown>)[key] : undefined;
}

/** Ends the run with a message an operator can act on (exit code 108), never a stack trace. */
function stop(message: string): never {
  exec.test.abort(`not ready: ${message}`);
  throw new Error(message); // abort() does not return; this only tells the type-checker so
}

export function prepare(sampleSize = 100): SetupData {
  const health = get("/health", "GET /health");
  if (health.status !== 200 || field(health.body, "status") !== "healthy") {
    stop(
      `${BASE_URL}/health is not healthy (${unhealthyReason(health)}). Deploy and publish first (docs/deploy.md).`,
    );
  }

  const sample = get(`/products/sample?n=${sampleSize}`, "GET /products/sample");
  if (sample.status === 401) {
    stop(
      API_KEY
        ? "API_KEY was refused (401): use one of the deployment's API_KEYS"
        : "the deployment needs a key (401): set API_KEY",
    );
  }
  const ids = field(sample.body, "sample_products");
  if (sample.status !== 200 || !Array.isArray(ids) || ids.length === 0) {
    stop(`GET /products/sample answered HTTP ${sample.status} without product ids`);
  }

  const metrics = get("/metrics", "GET /metrics");
  const served = field(metrics.body, "variants");
  const variants =
    Array.isArray(served) && served.length > 0 && served.every((v) => Number.isInteger(v) && v > 0)
      ? (served as number[])
      : [...DEFAULT_VARIANTS];

  const named = field(sample.body, "products");
  const searchTerms = (Array.isArray(named) ? named : [])
    .map((p) => field(p, "product_name"))
    .filter((name): name is string => typeof name === "string")
    .map((name) =>
      name
        .split(/[^\p{L}\p{N}]+/u)
        .find((w) => w.length >= 3)
        ?.slice(0, 4),
    )
    .filter((term): term is string => term !== undefined);

  return {
    productIds: (ids as unknown[]).map(String),
    searchTerms,
    numericIds: typeof (ids as unknown[])[0] === "number",
    variants: [...variants].sort((a, b) => a - b),
    modelVersion: String(field(health.body, "model_version")),
  };
}
