// The demo page for browsers at GET / (Accept: text/html): explore a product's audience
// without writing code. One self-contained HTML document (inline CSS and script, no CDN,
// no web fonts) that talks to the same public API as every other client, so what a
// marketer sees here is exactly what an integration gets.
import { escapeToBuffer, type StringBuffer } from "hono/utils/html";
import { clientScript } from "#page-script";
import { ID_PATTERN } from "../contract.js";
import { styles } from "./styles.js";

export interface DemoPageOptions {
  /** The largest n the live build serves (its largest variant), or 100 when unknown. */
  maxN: number;
  /** True when API_KEYS is set, so the page must ask for a key. */
  authRequired: boolean;
  modelVersion: string | null;
  /** CSP nonce for the inline script and style, when the worker sends a nonce-based CSP. */
  nonce?: string;
}

const FALLBACK_MAX_N = 100;
const DEFAULT_N = 10;
/** How many sample products the page offers as one-click choices. */
const SAMPLE_SIZE = 12;

function escapeHtml(value: string): string {
  const buffer: StringBuffer = [""];
  escapeToBuffer(value, buffer);
  return buffer[0] as string;
}

/** JSON inside <script type="application/json">: "<" escaped so no value can close the tag. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

export function renderDemoPage(options: DemoPageOptions): string {
  const maxN = Number.isInteger(options.maxN) && options.maxN >= 1 ? options.maxN : FALLBACK_MAX_N;
  const n = Math.min(DEFAULT_N, maxN);
  const version = options.modelVersion ? escapeHtml(options.modelVersion) : "none published yet";
  const nonce = options.nonce ? ` nonce="${escapeHtml(options.nonce)}"` : "";
  const config = scriptJson({
    maxN,
    authRequired: options.authRequired,
    idPattern: ID_PATTERN.source,
    sampleSize: SAMPLE_SIZE,
  });

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>Product audience explorer</title>
<style${nonce}>${styles}</style>
</head>
<body>
<a class="skip" href="#results">Skip to the audience</a>
<header>
  <div class="wrap">
    <h1>Product audience explorer</h1>
    <p>Which customers to target for a product. Live model: <code id="model-version">${version}</code></p>
  </div>
</header>
<main>
  <section id="key-section" class="panel" aria-labelledby="key-title"${options.authRequired ? "" : " hidden"}>
    <h2 id="key-title">Access</h2>
    <form id="key-form">
      <label for="api-key">API key</label>
      <div class="row">
        <input id="api-key" type="password" autocomplete="off" spellcheck="false" aria-describedby="key-help key-state">
        <button type="submit">Use key</button>
        <button type="button" id="key-forget" class="secondary">Forget key</button>
      </div>
      <p id="key-help" class="help">This API needs a key. It is kept only in this browser tab (sessionStorage) and sent as the X-API-Key header.</p>
      <p id="key-state" class="help" role="status"></p>
    </form>
  </section>

  <section class="panel" aria-labelledby="query-title">
    <h2 id="query-title">Choose a product</h2>
    <form id="query-form" novalidate>
      <label for="product-id">Product</label>
      <div class="combo">
        <input id="product-id" name="product" type="text" maxlength="100" role="combobox" aria-autocomplete="list" aria-expanded="false" aria-controls="product-options" autocomplete="off" autocapitalize="off" spellcheck="false" aria-describedby="product-help">
        <ul id="product-options" class="listbox" role="listbox" aria-label="Matching products" hidden></ul>
      </div>
      <p id="product-help" class="help">Type a name and choose it with the arrow keys and Enter, or type a product id. A product the model has not seen gets the fallback audience.</p>
      <p id="product-search-state" class="sr-only" role="status"></p>
      <fieldset class="kinds" aria-describedby="kind-help">
        <legend>Audience</legend>
        <label class="choice"><input type="radio" name="kind" id="kind-prospects" value="prospects" checked> Prospects: likely new customers</label>
        <label class="choice"><input type="radio" name="kind" id="kind-retarget" value="retarget"> Retarget: carted or wishlisted, never bought</label>
        <p id="kind-help" class="help"></p>
      </fieldset>
      <label for="n-number">Audience size</label>
      <div class="row">
        <input id="n-range" type="range" min="1" max="${maxN}" value="${n}" aria-label="Audience size slider" aria-describedby="n-help">
        <input id="n-number" name="n" type="number" min="1" max="${maxN}" value="${n}" inputmode="numeric" aria-describedby="n-help">
      </div>
      <p id="n-help" class="help">How many customers, from 1 to <span id="n-max">${maxN}</span>.</p>
      <button type="submit">Show audience</button>
    </form>
    <h3 id="samples-title">Sample products</h3>
    <p id="samples-state" class="help" role="status">Loading sample products...</p>
    <ul id="samples" class="chips" aria-labelledby="samples-title"></ul>
  </section>

  <section id="results" class="panel" aria-labelledby="results-title" aria-busy="false" tabindex="-1">
    <h2 id="results-title">Audience</h2>
    <div id="error" class="error" role="alert" hidden></div>
    <div aria-live="polite">
      <p id="summary">Pick a sample product or enter a product id.</p>
      <div id="fallback" class="notice" hidden>
        <strong>Fallback audience</strong>
        <span id="fallback-note"></span>
      </div>
    </div>
    <dl id="result-meta" class="meta" hidden>
      <dt>Model version</dt><dd><code id="meta-version"></code></dd>
      <dt>Generated</dt><dd id="meta-generated"></dd>
    </dl>
    <div id="actions" class="actions" hidden>
      <button type="button" id="download-csv" class="secondary">Download CSV</button>
      <button type="button" id="copy-ids" class="secondary">Copy customer ids</button>
    </div>
    <p id="action-state" class="help" role="status"></p>
    <div class="table-wrap">
      <table id="audience" hidden>
        <caption class="sr-only">Customers ranked for the chosen product, best first</caption>
        <thead><tr><th scope="col">Rank</th><th scope="col">Customer</th><th scope="col">Score</th><th scope="col" id="reason-col" hidden>Why</th></tr></thead>
        <tbody id="audience-rows"></tbody>
      </table>
    </div>
  </section>

  <section id="campaign" class="panel" aria-labelledby="campaign-title">
    <h2 id="campaign-title">Campaign audience</h2>
    <p class="help">One audience for several products: each customer once, with the product that fits them best, and a random holdout group left out of the campaign so its effect can be measured.</p>
    <form id="campaign-form" novalidate>
      <label for="campaign-product">Add a product</label>
      <div class="row">
        <div class="combo">
          <input id="campaign-product" type="text" maxlength="1000" role="combobox" aria-autocomplete="list" aria-expanded="false" aria-controls="campaign-options" autocomplete="off" autocapitalize="off" spellcheck="false" aria-describedby="campaign-product-help">
          <ul id="campaign-options" class="listbox" role="listbox" aria-label="Matching products" hidden></ul>
        </div>
        <button type="button" id="campaign-add" class="secondary">Add</button>
      </div>
      <p id="campaign-product-help" class="help">Type a name and choose it, or type product ids separated by commas and press Add.</p>
      <p id="campaign-search-state" class="sr-only" role="status"></p>
      <h3 id="campaign-list-title">Products in the campaign</h3>
      <p id="campaign-empty" class="help">None yet.</p>
      <ul id="campaign-products" class="chips" aria-labelledby="campaign-list-title"></ul>
      <div class="fields">
        <div><label for="campaign-n">Audience size</label><input id="campaign-n" type="number" min="1" max="1000" value="100" inputmode="numeric"></div>
        <div><label for="campaign-holdout">Holdout share (%)</label><input id="campaign-holdout" type="number" min="0" max="50" step="0.5" value="10" inputmode="decimal"></div>
        <div><label for="campaign-name">Campaign name (optional)</label><input id="campaign-name" type="text" maxlength="64" autocomplete="off" spellcheck="false"></div>
      </div>
      <button type="submit">Build the campaign audience</button>
    </form>
    <div id="campaign-results" aria-busy="false">
      <div id="campaign-error" class="error" role="alert" hidden></div>
      <p id="campaign-summary" aria-live="polite"></p>
      <div id="campaign-actions" class="actions" hidden>
        <button type="button" id="campaign-csv" class="secondary">Download CSV</button>
      </div>
      <p id="campaign-action-state" class="help" role="status"></p>
      <div class="table-wrap">
        <table id="campaign-table" hidden>
          <caption class="sr-only">The campaign's customers, best first, with the product that gave each one and their group</caption>
          <thead><tr><th scope="col">Rank</th><th scope="col">Customer</th><th scope="col">Score</th><th scope="col">Product</th><th scope="col">Group</th></tr></thead>
          <tbody id="campaign-rows"></tbody>
        </table>
      </div>
    </div>
  </section>

  <section id="status-section" class="panel" aria-labelledby="status-title">
    <h2 id="status-title">API status</h2>
    <button type="button" id="status-refresh" class="secondary">Refresh status</button>
    <div class="status-grid" aria-live="polite">
      <div>
        <h3>Health <a href="/health">/health</a></h3>
        <p id="health-state" class="help"></p>
        <dl id="health" class="meta"></dl>
      </div>
      <div>
        <h3>Metrics <a href="/metrics">/metrics</a></h3>
        <p id="metrics-state" class="help"></p>
        <dl id="metrics" class="meta"></dl>
      </div>
    </div>
    <p class="help">For code: <a href="/openapi.json">the OpenAPI document</a> describes every endpoint.</p>
  </section>
</main>
<script id="page-config" type="application/json">${config}</script>
<script${nonce}>${clientScript}</script>
</body>
</html>`;
}
