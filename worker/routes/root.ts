// GET /: the demo page for browsers (Accept: text/html), else a JSON index of the API.
import { createRoute } from "@hono/zod-openapi";
import { configOf } from "../config.js";
import { DEFAULT_MAX_N } from "../contract.js";
import { deferOf } from "../defer.js";
import { renderDemoPage } from "../page/index.js";
import { createRouter } from "../router.js";
import { RootResponse } from "../schemas.js";
import { maxVariant, readPointer } from "../store.js";
import { SERVICE_VERSION } from "../version.js";

/** A fresh nonce per page: only the page's own inline style and script may run. */
function pageNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}

function pageCsp(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

const rootRoute = createRoute({
  method: "get",
  path: "/",
  summary: "The demo page (Accept: text/html) or this index",
  responses: {
    200: {
      description: "JSON index, or the HTML demo page for browsers",
      content: { "application/json": { schema: RootResponse }, "text/html": { schema: { type: "string" } } },
    },
  },
});

export const root = createRouter().openapi(rootRoute, async (c) => {
  const config = configOf(c.env);
  // The index must answer even when KV does not: it is how people find /health.
  const pointer = await readPointer(c.env.RECS, config, deferOf(c)).catch(() => null);
  c.header("Vary", "Accept", { append: true });
  c.header("Cache-Control", "no-cache");
  if (c.req.header("accept")?.includes("text/html")) {
    const nonce = pageNonce();
    c.header("Content-Security-Policy", pageCsp(nonce));
    // A document, unlike the API's JSON: its links and loads should not leak the URL.
    c.header("Referrer-Policy", "no-referrer");
    return c.html(
      renderDemoPage({
        // Without a published build the page still needs a limit for its n field.
        maxN: pointer ? maxVariant(pointer) : DEFAULT_MAX_N,
        authRequired: config.auth !== "open",
        modelVersion: pointer?.version ?? null,
        nonce,
      }),
      200,
    ) as never;
  }
  return c.json(
    {
      message: "Product audience API: which customers to target for a product.",
      version: SERVICE_VERSION,
      model_version: pointer?.version ?? null,
      endpoints: {
        recommend: "GET /recommend/{product_id}?n=10[&format=csv][&explain=true][&audience=retarget]",
        batch: "POST /recommend/batch",
        sample: "GET /products/sample?n=10",
        search: "GET /products/search?q=&limit=10",
        audience: "POST /audience | GET /audience?products=a,b&n=100&holdout_pct=10",
        health: "GET /health",
        metrics: "GET /metrics",
        openapi: "GET /openapi.json",
      },
    },
    200,
  );
});
