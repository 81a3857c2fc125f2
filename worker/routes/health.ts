// GET /health: is a model published, how old is it, is KV answering, are the API keys
// usable. Always open. It reads the pointer through the isolate cache, so it reports what
// this isolate serves.
import { createRoute } from "@hono/zod-openapi";
import { configOf } from "../config.js";
import { deferOf } from "../defer.js";
import {
  ApiError,
  AUTH_MISCONFIGURED_RETRY_AFTER_SECONDS,
  KV_RETRY_AFTER_SECONDS,
  NO_MODEL_RETRY_AFTER_SECONDS,
} from "../errors.js";
import { createRouter } from "../router.js";
import { HealthResponse } from "../schemas.js";
import { readPointer } from "../store.js";

const healthRoute = createRoute({
  method: "get",
  path: "/",
  summary: "Liveness, model age and staleness",
  responses: {
    200: { description: "A model is published", content: { "application/json": { schema: HealthResponse } } },
    503: {
      description: "Nothing published, or KV unavailable (Retry-After)",
      content: { "application/json": { schema: HealthResponse } },
    },
  },
});

export const health = createRouter().openapi(healthRoute, async (c) => {
  const config = configOf(c.env);
  const base = {
    stale_after_days: config.staleAfterDays,
    auth: config.auth,
  };
  c.header("Cache-Control", "no-store");
  if (config.auth === "misconfigured") {
    c.header("Retry-After", String(AUTH_MISCONFIGURED_RETRY_AFTER_SECONDS));
    return c.json(
      {
        status: "unhealthy" as const,
        model_loaded: false,
        reason:
          "API_KEYS is set but holds no usable key: every protected route answers 503 until it is fixed",
        ...base,
      },
      503,
    );
  }
  let pointer: Awaited<ReturnType<typeof readPointer>>;
  try {
    pointer = await readPointer(c.env.RECS, config, deferOf(c));
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    c.header("Retry-After", String(KV_RETRY_AFTER_SECONDS));
    return c.json(
      { status: "unhealthy" as const, model_loaded: false, reason: "KV is unavailable", ...base },
      503,
    );
  }
  if (!pointer) {
    c.header("Retry-After", String(NO_MODEL_RETRY_AFTER_SECONDS));
    return c.json(
      { status: "unhealthy" as const, model_loaded: false, reason: "no model has been published", ...base },
      503,
    );
  }
  const generated = Date.parse(pointer.generated_at);
  const ageSeconds = Number.isFinite(generated)
    ? Math.max(0, Math.round((Date.now() - generated) / 1000))
    : undefined;
  // An unreadable build date counts as stale: nobody can say how old the audiences are.
  const stale = ageSeconds === undefined || ageSeconds > config.staleAfterSeconds;
  return c.json(
    {
      status: "healthy" as const,
      model_loaded: true,
      products: pointer.products,
      model_version: pointer.version,
      generated_at: pointer.generated_at,
      age_seconds: ageSeconds,
      stale,
      ...base,
      ...(stale
        ? { reason: `the live build is older than ${config.staleAfterDays} days: run the pipeline` }
        : {}),
    },
    200,
  );
});
