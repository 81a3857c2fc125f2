// `explain`: each recommendation gains its reason, from the product's stored reasons
// (`v/<version>/why/<productId>`, one value for every n). Only explaining parses the
// audience; the plain answer stays the stored bytes.
import { audienceBody } from "./audience.js";
import type { Config } from "./config.js";
import { keys, type Reason, type RecommendationResponse, reasonOf, type StoredReasons } from "./contract.js";
import type { AudiencePlan } from "./recommend-answer.js";
import { readValue, readValues } from "./store.js";

export type ExplainedResponse = Omit<RecommendationResponse, "recommendations"> & {
  recommendations: (RecommendationResponse["recommendations"][number] & { reason: Reason })[];
};

function parseReasons(text: string | null): StoredReasons | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as StoredReasons;
    return Array.isArray(value.reasons) && Array.isArray(value.at) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The body with a reason per recommendation. `why` is the product's stored reasons (null
 * for a product the build never saw: the fallback audience is ranked by the customer score alone).
 */
export function explainBody(body: string, why: string | null): ExplainedResponse {
  const parsed = JSON.parse(body) as RecommendationResponse;
  const stored = parsed.fallback ? undefined : parseReasons(why);
  const recommendations = parsed.recommendations.map((r) => {
    const at = stored?.at[r.rank - 1];
    return { ...r, reason: reasonOf(at === undefined || at < 0 ? undefined : stored!.reasons[at]) };
  });
  return { ...parsed, recommendations };
}

/** A CSV field, quoted when it holds a comma, quote or line break (RFC 4180). */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** `customer_id,score,rank,reason` rows. */
export function explainedCsv(explained: ExplainedResponse): string {
  let csv = "customer_id,score,rank,reason\n";
  for (const r of explained.recommendations)
    csv += `${r.customer_id},${r.score},${r.rank},${csvField(r.reason.text)}\n`;
  return csv;
}

/** An explained answer is another representation: its own ETag. */
export function explainPlan(plan: AudiencePlan): void {
  plan.etag = `${plan.etag.slice(0, -1)}/explain"`;
  plan.headers.ETag = plan.etag;
}

/** The explained 200 body in the planned format: the audience and its reasons in one bulk read. */
export async function explainedContent(kv: KVNamespace, config: Config, plan: AudiencePlan): Promise<string> {
  const whyKey = keys.why(plan.pointer.version, plan.req.productId);
  const values = await readValues(kv, config, [plan.req.recKey, whyKey]);
  const stored = values.get(plan.req.recKey) ?? null;
  const fallback = stored === null ? await readValue(kv, config, plan.req.fallbackKey) : null;
  const explained = explainBody(
    audienceBody(plan.pointer, plan.req, stored, fallback),
    values.get(whyKey) ?? null,
  );
  if (plan.format === "csv") {
    plan.headers["Content-Type"] = "text/csv; charset=utf-8";
    plan.headers["Content-Disposition"] =
      `attachment; filename="audience-${plan.req.productId}-${plan.req.n}.csv"`;
    return explainedCsv(explained);
  }
  plan.headers["Content-Type"] = "application/json; charset=utf-8";
  return JSON.stringify(explained);
}
