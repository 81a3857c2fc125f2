// The one helper that makes every error body: {"error": {"code", "message"}}. Route
// validation, notFound and onError all end here, so no other shape (and never a stack
// trace) can leave the worker.
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ZodError } from "zod";

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

export function errorResponse(c: Context, err: ApiError): Response {
  if (err.retryAfter !== undefined) c.header("Retry-After", String(err.retryAfter));
  c.header("Cache-Control", "no-store");
  return c.json({ error: { code: err.code, message: err.message } }, err.status);
}

export const KV_RETRY_AFTER_SECONDS = 5;
export const NO_MODEL_RETRY_AFTER_SECONDS = 60;

export const kvUnavailable = () =>
  new ApiError(
    503,
    "kv_unavailable",
    "The audience store is unavailable; try again shortly.",
    KV_RETRY_AFTER_SECONDS,
  );

export const noModel = () =>
  new ApiError(503, "no_model", "No audience model is published yet.", NO_MODEL_RETRY_AFTER_SECONDS);

/** The one wording of a too-large n; the schemas say the same without the build's limit. */
export const invalidN = (max: number) =>
  new ApiError(422, "invalid_n", `n must be an integer from 1 to ${max}`);

export const AUTH_MISCONFIGURED_RETRY_AFTER_SECONDS = 300;

/** API_KEYS is set but holds no usable key: fail closed rather than serve everyone. */
export const authMisconfigured = () =>
  new ApiError(
    503,
    "auth_misconfigured",
    "The API's keys are misconfigured (API_KEYS is set but holds no usable key); nothing protected is served until it is fixed.",
    AUTH_MISCONFIGURED_RETRY_AFTER_SECONDS,
  );

/** Hono's own exceptions (malformed JSON, wrong media type, body too large) in our shape. */
const HTTP_CODES: Partial<Record<number, string>> = {
  400: "malformed_request",
  401: "unauthorized",
  413: "payload_too_large",
  415: "unsupported_media_type",
};

export function toApiError(err: unknown): ApiError | undefined {
  if (err instanceof ApiError) return err;
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    const message = err.message || (status === 413 ? "Request body too large" : "Bad request");
    return new ApiError(status, HTTP_CODES[status] ?? "bad_request", message);
  }
  return undefined;
}

/** Which error code a validation failure gets, by the first field it names. */
const FIELD_CODES: Record<string, string> = {
  productId: "invalid_product_id",
  product_ids: "invalid_product_ids",
  n: "invalid_n",
  format: "invalid_format",
  products: "invalid_products",
  holdout_pct: "invalid_holdout_pct",
  campaign: "invalid_campaign",
  explain: "invalid_explain",
  q: "invalid_q",
  limit: "invalid_limit",
  audience: "invalid_audience",
};

/**
 * A failed schema check as one error: every problem with its field (and index) in one
 * message, each said once (two checks of one value may fail with the same words). Too many
 * batch items is 413, as the contract says; anything else is 422.
 */
export function validationError(error: ZodError): ApiError {
  const issues = error.issues;
  const tooMany = issues.find(
    (i) => i.code === "too_big" && i.path.length === 1 && i.path[0] === "product_ids",
  );
  if (tooMany) return new ApiError(413, "too_many_products", tooMany.message);
  const first = issues[0]?.path[0];
  const code = (typeof first === "string" && FIELD_CODES[first]) || "invalid_request";
  const problems = issues.map((i) => {
    const field = i.path.reduce<string>(
      (acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)),
      "",
    );
    return field ? `${field}: ${i.message}` : i.message;
  });
  const message = [...new Set(problems)].slice(0, 10).join("; ");
  return new ApiError(422, code, message);
}
