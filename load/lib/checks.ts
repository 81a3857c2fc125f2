// Checks on what the API answers, not only on its status: an edge that returns 200 with
// the wrong audience (a short list, broken ranks, a fallback passed off as a real
// audience) is failing, however fast it is. Pure functions with no k6 import, so the
// Node tests run these very checkers against sample bodies.
import { ID_PATTERN, VERSION_PATTERN } from "../../worker/contract.ts";

/** What a check sees of a response: its status and its body already parsed (see parseJson). */
export interface Reply {
  status: number;
  body: unknown;
}

export type Checker = (reply: Reply) => boolean;
export type Checkers = Record<string, Checker>;

export interface AudienceExpectation {
  /** The product id as requested (URL text). */
  productId: string;
  n: number;
  /** True for a product the build never saw: the fallback audience, flagged. */
  fallback: boolean;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Ids are JSON numbers (safe non-negative integers) or tokens of the contract's id rule. */
export function isWellFormedId(id: unknown): boolean {
  if (typeof id === "number") return Number.isSafeInteger(id) && id >= 0;
  return typeof id === "string" && ID_PATTERN.test(id);
}

function echoes(productId: unknown, requested: string): boolean {
  if (typeof productId === "number") return String(productId) === requested;
  return productId === requested;
}

export const AUDIENCE_CHECKS = [
  "product_id echoes the request",
  "count = n",
  "ranks are 1..n",
  "scores never increase",
  "customer ids well-formed, one type, no repeats",
  "fallback flagged as expected",
  "model_version well-formed",
] as const;
export type AudienceCheck = (typeof AUDIENCE_CHECKS)[number];

/** Every audience check on one response body; a body of the wrong shape fails them all. */
export function auditAudience(body: unknown, exp: AudienceExpectation): Record<AudienceCheck, boolean> {
  const failed = Object.fromEntries(AUDIENCE_CHECKS.map((name) => [name, false])) as Record<
    AudienceCheck,
    boolean
  >;
  if (!isObject(body) || !Array.isArray(body.recommendations)) return failed;
  const recs: unknown[] = body.recommendations;
  const rows = recs.filter(isObject);
  const wellShaped = rows.length === recs.length;

  const ids = rows.map((r) => r.customer_id);
  const oneType = ids.every((id) => typeof id === typeof ids[0]);
  const unique = new Set(ids.map((id) => `${typeof id}:${String(id)}`)).size === ids.length;

  let ranked = wellShaped;
  let descending = wellShaped;
  rows.forEach((row, i) => {
    if (row.rank !== i + 1) ranked = false;
    if (typeof row.score !== "number" || !Number.isFinite(row.score)) descending = false;
    else if (i > 0 && (rows[i - 1].score as number) < row.score) descending = false;
  });

  const flagged =
    body.fallback === exp.fallback &&
    // A fallback must say so in words too: clients show the note to people.
    (!exp.fallback || (typeof body.note === "string" && body.note.length > 0));

  return {
    "product_id echoes the request": echoes(body.product_id, exp.productId),
    "count = n": body.count === exp.n && recs.length === exp.n,
    "ranks are 1..n": ranked,
    "scores never increase": descending,
    "customer ids well-formed, one type, no repeats":
      wellShaped && oneType && unique && ids.every(isWellFormedId),
    "fallback flagged as expected": flagged,
    "model_version well-formed":
      typeof body.model_version === "string" && VERSION_PATTERN.test(body.model_version),
  };
}

/** Runs a body audit once per reply however many checkers ask for it. */
function memoAudit<T>(audit: (reply: Reply) => T): (reply: Reply) => T {
  let last: Reply | undefined;
  let result: T;
  return (reply) => {
    if (reply !== last) {
      last = reply;
      result = audit(reply);
    }
    return result;
  };
}

/** `GET /recommend/:productId?n=` */
export function recommendationCheckers(exp: AudienceExpectation): Checkers {
  const audit = memoAudit((r) => auditAudience(r.body, exp));
  const checkers: Checkers = {
    "recommend: status 200": (r) => r.status === 200,
    "recommend: body is JSON": (r) => isObject(r.body),
  };
  for (const name of AUDIENCE_CHECKS) checkers[`recommend: ${name}`] = (r) => audit(r)[name];
  return checkers;
}

/** `POST /recommend/batch`: one result per requested product, in request order. */
export function batchCheckers(expected: AudienceExpectation[]): Checkers {
  const audits = memoAudit((r) => {
    const results = isObject(r.body) && Array.isArray(r.body.results) ? r.body.results : undefined;
    return results?.length === expected.length
      ? results.map((body, i) => auditAudience(body, expected[i]))
      : undefined;
  });
  const checkers: Checkers = {
    "batch: status 200": (r) => r.status === 200,
    "batch: one result per product": (r) => audits(r) !== undefined,
  };
  for (const name of AUDIENCE_CHECKS) {
    checkers[`batch: ${name}`] = (r) => audits(r)?.every((audit) => audit[name]) ?? false;
  }
  return checkers;
}

/** `POST /audience`: a merged campaign audience of at most n customers, holdout counted. */
export function campaignCheckers(productIds: string[], n: number): Checkers {
  const recs = (r: Reply): Json[] | undefined =>
    isObject(r.body) && Array.isArray(r.body.recommendations)
      ? r.body.recommendations.filter(isObject)
      : undefined;
  const requested = new Set(productIds);
  return {
    "campaign: status 200": (r) => r.status === 200,
    "campaign: count ≤ n, ranks 1..count": (r) => {
      const rows = recs(r);
      return (
        rows !== undefined &&
        isObject(r.body) &&
        r.body.count === rows.length &&
        rows.length <= n &&
        rows.every((row, i) => row.rank === i + 1)
      );
    },
    "campaign: scores never increase, each customer once": (r) => {
      const rows = recs(r);
      if (rows === undefined) return false;
      const ids = new Set(rows.map((row) => String(row.customer_id)));
      return (
        ids.size === rows.length &&
        rows.every(
          (row, i) => typeof row.score === "number" && (i === 0 || row.score <= Number(rows[i - 1].score)),
        )
      );
    },
    "campaign: each customer from a requested product": (r) =>
      recs(r)?.every((row) => requested.has(String(row.product_id))) ?? false,
    "campaign: targeted + holdout = count": (r) =>
      isObject(r.body) &&
      typeof r.body.targeted === "number" &&
      typeof r.body.holdout === "number" &&
      r.body.targeted + r.body.holdout === r.body.count &&
      recs(r)?.filter((row) => row.holdout === true).length === r.body.holdout,
  };
}

/** `GET /products/sample?n=`: the ids the load scripts go on to request. */
export function sampleCheckers(n: number): Checkers {
  return {
    "sample: status 200": (r) => r.status === 200,
    "sample: ids well-formed": (r) =>
      isObject(r.body) &&
      Array.isArray(r.body.sample_products) &&
      r.body.sample_products.length > 0 &&
      r.body.sample_products.length <= n &&
      r.body.sample_products.every(isWellFormedId),
    "sample: total_available covers the sample": (r) =>
      isObject(r.body) &&
      Array.isArray(r.body.sample_products) &&
      typeof r.body.total_available === "number" &&
      r.body.total_available >= r.body.sample_products.length,
  };
}

/** `GET /health` of a deployment that serves a published model. */
export function healthCheckers(): Checkers {
  return {
    "health: status 200": (r) => r.status === 200,
    "health: healthy with a model": (r) =>
      isObject(r.body) &&
      r.body.status === "healthy" &&
      r.body.model_loaded === true &&
      typeof r.body.model_version === "string" &&
      VERSION_PATTERN.test(r.body.model_version),
  };
}

/** An error answer of the contract: the status, and `{"error": {"code", "message"}}`. */
export function errorCheckers(label: string, status: number): Checkers {
  return {
    [`${label}: status ${status}`]: (r) => r.status === status,
    [`${label}: JSON error body`]: (r) =>
      isObject(r.body) &&
      isObject(r.body.error) &&
      typeof r.body.error.code === "string" &&
      typeof r.body.error.message === "string",
  };
}

/** `?format=csv`: a header row, then n rows ranked 1..n. */
export function csvCheckers(n: number): Checkers {
  const lines = (r: Reply) => (typeof r.body === "string" ? r.body.trim().split(/\r?\n/) : []);
  return {
    "csv: status 200": (r) => r.status === 200,
    "csv: header then n ranked rows": (r) => {
      const [header, ...rows] = lines(r);
      return (
        header === "customer_id,score,rank" &&
        rows.length === n &&
        rows.every((row, i) => row.split(",")[2]?.replace(/"/g, "") === String(i + 1))
      );
    },
  };
}

/** The reason /health gives when it is not healthy, for the fail-fast message. */
export function unhealthyReason(reply: Reply): string {
  if (isObject(reply.body) && typeof reply.body.reason === "string") return reply.body.reason;
  if (isObject(reply.body) && isObject(reply.body.error) && typeof reply.body.error.message === "string") {
    return reply.body.error.message;
  }
  return reply.status === 0 ? "no answer (network error or wrong BASE_URL)" : `HTTP ${reply.status}`;
}

const REASON_KINDS = ["similar_product", "shared_words", "engaged"];

/** `GET /recommend/:productId?n=&explain=true`: the audience checks, and a readable reason on every row. */
export function explainCheckers(exp: AudienceExpectation): Checkers {
  const checkers = recommendationCheckers(exp);
  checkers["explain: every recommendation has a reason with text"] = (r) =>
    isObject(r.body) &&
    Array.isArray(r.body.recommendations) &&
    r.body.recommendations.every(
      (row: unknown) =>
        isObject(row) &&
        isObject(row.reason) &&
        REASON_KINDS.includes(String(row.reason.kind)) &&
        typeof row.reason.text === "string" &&
        row.reason.text.length > 0,
    );
  return checkers;
}

/** `GET /products/search?q=&limit=`: at most limit results, each with an id and a name field, count matching. */
export function searchCheckers(query: string, limit: number): Checkers {
  return {
    "search: status 200": (r) => r.status === 200,
    "search: echoes the query, count = results, at most limit": (r) =>
      isObject(r.body) &&
      r.body.query === query &&
      Array.isArray(r.body.results) &&
      r.body.count === r.body.results.length &&
      r.body.results.length <= limit,
    "search: results well-formed": (r) =>
      isObject(r.body) &&
      Array.isArray(r.body.results) &&
      r.body.results.every(
        (row: unknown) =>
          isObject(row) &&
          isWellFormedId(row.product_id) &&
          (row.product_name === null || typeof row.product_name === "string") &&
          Number.isInteger(row.customers),
      ),
  };
}
