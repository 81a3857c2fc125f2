// GET /recommend/{productId} once its input is valid and the pointer is known: the one
// place that decides n, ETag, headers and body (routes/recommend.ts answers through it).
import {
  type AudienceRequest,
  audienceBody,
  audienceCsv,
  audienceEtag,
  audienceRequest,
} from "./audience.js";
import type { Config } from "./config.js";
import { DEFAULT_N, type Pointer } from "./contract.js";
import { invalidN } from "./errors.js";
import { maxVariant } from "./store.js";

export type AudienceFormat = "json" | "csv";

export interface AudiencePlan {
  pointer: Pointer;
  format: AudienceFormat;
  etag: string;
  /** Every header of the answer but the body's own (audienceContent adds those). */
  headers: Record<string, string>;
  req: AudienceRequest;
}

/** n as asked, or the default (never above what the build serves). */
export function resolveN(pointer: Pointer, asked: number | undefined): number {
  const max = maxVariant(pointer);
  if (asked === undefined) return Math.min(DEFAULT_N, max);
  if (asked > max) throw invalidN(max);
  return asked;
}

/**
 * What the answer will be, before any audience is read. `base` is the request's
 * baseHeaders record, which becomes the answer's headers. Throws invalid_n for an n above
 * the largest variant.
 */
export function planAudience(
  pointer: Pointer,
  config: Config,
  productId: string,
  askedN: number | undefined,
  format: AudienceFormat,
  base: Record<string, string>,
): AudiencePlan {
  const n = resolveN(pointer, askedN);
  const etag = audienceEtag(pointer.version, productId, n, format);
  const headers = base;
  headers["Cache-Control"] = config.dataCacheControl;
  headers.ETag = etag;
  headers.Vary = headers.Vary === undefined ? "Accept" : `${headers.Vary}, Accept`;
  headers["X-Model-Version"] = pointer.version;
  return { pointer, format, etag, headers, req: audienceRequest(pointer, productId, n) };
}

/**
 * The 200 body from the stored value (or the fallback), in the planned format; adds its
 * Content-Type (and a CSV's file name) to plan.headers. Throws model_incomplete when both
 * are missing.
 */
export function audienceContent(plan: AudiencePlan, stored: string | null, fallback: string | null): string {
  const body = audienceBody(plan.pointer, plan.req, stored, fallback);
  return inFormat(plan, body, `audience-${plan.req.productId}-${plan.req.n}`);
}

/**
 * An audience body in the planned format (CSV saved as `<fileStem>.csv`); adds its
 * Content-Type (and a CSV's file name) to plan.headers.
 */
export function inFormat(plan: AudiencePlan, body: string, fileStem: string): string {
  if (plan.format === "csv") {
    plan.headers["Content-Type"] = "text/csv; charset=utf-8";
    plan.headers["Content-Disposition"] = `attachment; filename="${fileStem}.csv"`;
    return audienceCsv(body);
  }
  plan.headers["Content-Type"] = "application/json; charset=utf-8";
  return body;
}
