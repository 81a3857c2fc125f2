// The demo page's browser script, shipped inline with the page. It is plain modern
// JavaScript in a string (the worker has no build step for browser code); the browser test
// in test/browser/ is what checks it. Rules it keeps:
// - everything from the API reaches the DOM through textContent / createElement, never HTML;
// - every failure becomes a sentence for the reader, never raw JSON or an empty page;
// - the API key lives in sessionStorage only and travels as X-API-Key.
// No backticks or dollar-brace in here: this whole file is one template literal.
export const clientScript = String.raw`
(() => {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const config = JSON.parse($("page-config").textContent || "{}");
  const KEY_STORE = "product-audience.api-key";
  const idPattern = new RegExp(config.idPattern);
  let maxN = config.maxN;
  let apiKey = "";
  try { apiKey = sessionStorage.getItem(KEY_STORE) || ""; } catch (e) { /* storage blocked: key lives in memory only */ }
  let current = null;
  // The last audience asked for, shown or not: entering a key retries it.
  let asked = null;
  let ticket = 0;

  const el = {
    keySection: $("key-section"), keyForm: $("key-form"), keyInput: $("api-key"), keyState: $("key-state"), keyForget: $("key-forget"),
    form: $("query-form"), product: $("product-id"), nRange: $("n-range"), nNumber: $("n-number"), nHelp: $("n-max"),
    samples: $("samples"), samplesState: $("samples-state"),
    results: $("results"), error: $("error"), summary: $("summary"), fallback: $("fallback"), fallbackNote: $("fallback-note"),
    meta: $("result-meta"), metaVersion: $("meta-version"), metaGenerated: $("meta-generated"),
    actions: $("actions"), csv: $("download-csv"), copy: $("copy-ids"), actionState: $("action-state"),
    table: $("audience"), tbody: $("audience-rows"),
    statusRefresh: $("status-refresh"), health: $("health"), healthState: $("health-state"), metrics: $("metrics"), metricsState: $("metrics-state"),
    headerVersion: $("model-version"),
  };

  class ApiProblem extends Error {
    constructor(status, message) { super(message); this.status = status; }
  }

  function sentence(text) { return String(text).trim().replace(/[.\s]+$/, ""); }

  // Turns an HTTP failure into words a marketer can act on.
  function describe(status, message, retryAfter) {
    const detail = message ? ": " + sentence(message) : "";
    const wait = retryAfter && /^\d+$/.test(retryAfter) ? " Try again in " + retryAfter + " seconds." : " Try again shortly.";
    if (status === 401) {
      return apiKey
        ? "The API key was not accepted. Check it in the API key box and try again."
        : "This API needs a key. Enter it in the API key box.";
    }
    if (status === 404) return "The API has no such address" + detail + ".";
    if (status === 413) return "The request was too large for the API" + detail + ".";
    if (status === 422) return "The API did not accept that input" + detail + ".";
    if (status === 429) return "Too many requests right now." + wait;
    if (status === 503) return "The API is unavailable" + (detail || ": no model is published yet, or its storage is down") + "." + wait;
    if (status >= 500) return "The API had an internal problem (status " + status + ")." + wait;
    return "The API answered with status " + status + detail + ".";
  }

  async function call(path, accept) {
    const headers = { Accept: accept || "application/json" };
    if (apiKey) headers["X-API-Key"] = apiKey;
    let res;
    try {
      res = await fetch(path, { headers, cache: "no-store" });
    } catch (e) {
      throw new ApiProblem(0, "Could not reach the API. Check the connection and try again.");
    }
    if (res.ok) return res;
    let message = "";
    try {
      const body = await res.json();
      if (body && body.error && typeof body.error.message === "string") message = body.error.message;
      else if (body && typeof body.reason === "string") message = body.reason;
    } catch (e) { /* not JSON: the status alone says enough */ }
    if (res.status === 401) showKeySection();
    throw new ApiProblem(res.status, describe(res.status, message, res.headers.get("Retry-After")));
  }

  async function readJson(res) {
    try { return await res.json(); } catch (e) { throw new ApiProblem(res.status, "The API sent an answer this page could not read."); }
  }

  function messageOf(err) {
    return err instanceof ApiProblem ? err.message : "Something went wrong in this page: " + sentence(err && err.message ? err.message : err) + ".";
  }

  function showError(text, focusTarget) {
    el.error.textContent = text;
    el.error.hidden = false;
    if (focusTarget) focusTarget.focus();
  }
  function clearError() { el.error.hidden = true; el.error.textContent = ""; }

  function node(tag, className, text) {
    const n = document.createElement(tag);
    if (className) n.className = className;
    if (text !== undefined) n.textContent = text;
    return n;
  }

  function formatNumber(v, digits, fixed) {
    const x = Number(v);
    if (!Number.isFinite(x)) return String(v);
    return x.toLocaleString(undefined, { minimumFractionDigits: fixed ? digits : 0, maximumFractionDigits: digits });
  }

  function formatAge(seconds) {
    const s = Number(seconds);
    if (!Number.isFinite(s)) return String(seconds);
    if (s < 90) return Math.round(s) + " seconds";
    if (s < 5400) return Math.round(s / 60) + " minutes";
    if (s < 129600) return Math.round(s / 3600) + " hours";
    return Math.round(s / 86400) + " days";
  }

  function formatTime(iso) {
    const d = new Date(iso);
    if (!iso || Number.isNaN(d.getTime())) return String(iso == null ? "unknown" : iso);
    const text = d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
    return text + " (" + formatAge((Date.now() - d.getTime()) / 1000) + " ago)";
  }

  function setTime(target, iso) {
    target.replaceChildren();
    const t = node("time", "", formatTime(iso));
    if (iso) t.dateTime = String(iso);
    target.append(t);
  }

  // ---- the API key ----
  function showKeySection() { el.keySection.hidden = false; }
  function saveKey(value) {
    apiKey = value;
    try {
      if (value) sessionStorage.setItem(KEY_STORE, value); else sessionStorage.removeItem(KEY_STORE);
    } catch (e) { /* storage blocked: memory only */ }
    el.keyState.textContent = value ? "A key is set for this tab." : "No key is set.";
  }
  el.keyForm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const value = el.keyInput.value.trim();
    if (!value) { el.keyState.textContent = "Enter a key first."; el.keyInput.focus(); return; }
    saveKey(value);
    el.keyInput.value = "";
    clearError();
    loadSamples();
    refreshStatus();
    if (asked) showAudience(asked.id, String(asked.n));
  });
  el.keyForget.addEventListener("click", () => { saveKey(""); el.keyInput.focus(); });

  // ---- n: the slider and the number stay in sync ----
  function setMax(value) {
    const m = Number(value);
    if (!Number.isInteger(m) || m < 1) return;
    maxN = m;
    el.nRange.max = String(m);
    el.nNumber.max = String(m);
    el.nHelp.textContent = String(m);
  }
  function validN(v) { return /^\d+$/.test(String(v)) && Number(v) >= 1 && Number(v) <= maxN; }
  el.nRange.addEventListener("input", () => { el.nNumber.value = el.nRange.value; });
  el.nNumber.addEventListener("input", () => { if (validN(el.nNumber.value)) el.nRange.value = el.nNumber.value; });
  // A released slider or a committed number refreshes the audience on show.
  const refreshOnN = () => {
    if (current && validN(el.nNumber.value) && Number(el.nNumber.value) !== current.n) showAudience(current.id, Number(el.nNumber.value));
  };
  el.nRange.addEventListener("change", refreshOnN);
  el.nNumber.addEventListener("change", refreshOnN);

  // ---- the audience ----
  el.form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    showAudience(el.product.value.trim(), el.nNumber.value.trim());
  });

  function hideResult() {
    current = null;
    el.table.hidden = true;
    el.actions.hidden = true;
    el.meta.hidden = true;
    el.fallback.hidden = true;
    el.tbody.replaceChildren();
  }

  async function showAudience(id, nText) {
    clearError();
    el.actionState.textContent = "";
    if (!id) return showError("Enter a product id, or pick a sample product.", el.product);
    if (!idPattern.test(id)) return showError("A product id is 1 to 64 letters, digits, dots, dashes or underscores.", el.product);
    if (!validN(nText)) return showError("The audience size must be a whole number from 1 to " + maxN + ".", el.nNumber);
    const n = Number(nText);
    asked = { id, n };
    el.nNumber.value = String(n);
    el.nRange.value = String(n);
    const mine = ++ticket;
    el.results.setAttribute("aria-busy", "true");
    el.summary.textContent = "Loading the audience for product " + id + "...";
    try {
      const res = await call("/recommend/" + encodeURIComponent(id) + "?n=" + n);
      const data = await readJson(res);
      if (mine !== ticket) return;
      if (!data || !Array.isArray(data.recommendations)) throw new ApiProblem(res.status, "The API sent an answer this page could not read.");
      current = { id, n, data };
      renderAudience(data, id);
      markSample(id);
      try { history.replaceState(null, "", "#product=" + encodeURIComponent(id) + "&n=" + n); } catch (e) { /* sandboxed: no shareable link */ }
    } catch (err) {
      if (mine !== ticket) return;
      hideResult();
      el.summary.textContent = "No audience to show.";
      showError(messageOf(err), err instanceof ApiProblem && err.status === 401 ? el.keyInput : null);
    } finally {
      if (mine === ticket) el.results.setAttribute("aria-busy", "false");
    }
  }

  function renderAudience(data, id) {
    const recs = data.recommendations;
    const scores = recs.map((r) => Number(r.score)).filter(Number.isFinite);
    const top = scores.length ? Math.max.apply(null, scores) : 0;
    const rows = recs.map((r) => {
      const tr = document.createElement("tr");
      tr.append(node("td", "rank", String(r.rank)), node("td", "customer", String(r.customer_id)));
      const td = node("td");
      const wrap = node("div", "score");
      const track = node("div", "bar-track");
      const bar = node("div", "bar");
      const share = top > 0 ? Math.max(0, Math.min(1, Number(r.score) / top)) : 0;
      bar.style.width = (share * 100).toFixed(1) + "%";
      track.setAttribute("aria-hidden", "true");
      track.append(bar);
      wrap.append(node("span", "score-value", formatNumber(r.score, 4, true)), track);
      td.append(wrap);
      tr.append(td);
      return tr;
    });
    el.tbody.replaceChildren(...rows);
    const who = "product " + id;
    const count = recs.length + (recs.length === 1 ? " customer" : " customers");
    el.summary.textContent = data.fallback
      ? "Fallback audience for " + who + ": the top " + count + " overall, because the model has not seen this product."
      : recs.length ? "Top " + count + " for " + who + "." : "The model has no customers to suggest for " + who + ".";
    el.fallback.hidden = !data.fallback;
    el.fallbackNote.textContent = data.note || "This product is new to the model, so this is the fallback audience.";
    el.metaVersion.textContent = String(data.model_version || "unknown");
    setTime(el.metaGenerated, data.generated_at);
    el.meta.hidden = false;
    el.table.hidden = recs.length === 0;
    el.actions.hidden = recs.length === 0;
  }

  // ---- CSV and copy ----
  el.csv.addEventListener("click", async () => {
    if (!current) return;
    const { id, n } = current;
    clearError();
    el.actionState.textContent = "Preparing the CSV...";
    try {
      const res = await call("/recommend/" + encodeURIComponent(id) + "?n=" + n + "&format=csv", "text/csv");
      if (!(res.headers.get("Content-Type") || "").includes("text/csv")) throw new ApiProblem(res.status, "The API did not send a CSV file.");
      const blob = await res.blob();
      const url = URL.createObjectURL(blob);
      const a = document.createElement("a");
      a.href = url;
      a.download = "audience-" + id + "-n" + n + ".csv";
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 30000);
      el.actionState.textContent = "Downloaded " + a.download + ".";
    } catch (err) {
      el.actionState.textContent = "";
      showError(messageOf(err));
    }
  });

  el.copy.addEventListener("click", async () => {
    if (!current) return;
    const ids = current.data.recommendations.map((r) => String(r.customer_id));
    const text = ids.join("\n");
    let ok = false;
    try { await navigator.clipboard.writeText(text); ok = true; } catch (e) {
      // Older browsers or blocked clipboard API: the selection-based copy still works.
      const area = node("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "sr-only";
      document.body.append(area);
      area.select();
      try { ok = document.execCommand("copy"); } catch (e2) { ok = false; }
      area.remove();
      el.copy.focus();
    }
    el.actionState.textContent = ok
      ? "Copied " + ids.length + " customer ids to the clipboard, one per line."
      : "This browser blocked copying; select the ids in the table instead.";
  });

  // ---- sample products ----
  function markSample(id) {
    for (const b of el.samples.querySelectorAll("button")) b.setAttribute("aria-pressed", String(b.textContent === id));
  }

  async function loadSamples() {
    if (config.authRequired && !apiKey) {
      el.samplesState.textContent = "Enter the API key above to load sample products.";
      return;
    }
    el.samplesState.textContent = "Loading sample products...";
    try {
      const data = await readJson(await call("/products/sample?n=" + config.sampleSize));
      const ids = Array.isArray(data.sample_products) ? data.sample_products.map(String) : [];
      el.samples.replaceChildren(...ids.map((id) => {
        const li = node("li");
        const b = node("button", "", id);
        b.type = "button";
        b.setAttribute("aria-pressed", "false");
        b.addEventListener("click", () => { el.product.value = id; showAudience(id, el.nNumber.value.trim()); });
        li.append(b);
        return li;
      }));
      el.samplesState.textContent = ids.length
        ? ids.length + " of " + formatNumber(data.total_available, 0) + " products. Pick one to see its audience."
        : "The live model has no sample products.";
      if (current) markSample(current.id);
    } catch (err) {
      el.samples.replaceChildren();
      el.samplesState.textContent = messageOf(err);
    }
  }

  // ---- API status ----
  const LABELS = {
    status: "Status", model_loaded: "Model loaded", products: "Products", model_version: "Model version",
    generated_at: "Generated", age_seconds: "Age", auth: "Access", reason: "Reason", model_type: "Model type",
    cached_recommendations: "Cached audiences", available_products: "Available products", variants: "Audience sizes",
    id_type: "Id type", stale: "Stale", stale_after_days: "Stale after", ttl_seconds: "TTL",
    isolate_cache: "Isolate cache",
  };
  function describeValue(key, value) {
    if (key === "generated_at") return formatTime(value);
    if (key === "age_seconds") return formatAge(value);
    if (key === "stale_after_days") return formatNumber(value, 1) + " days";
    if (key === "ttl_seconds") return formatNumber(value, 1) + " seconds";
    if (key === "auth") return value === "required" ? "API key required" : value === "open" ? "Open (no key needed)" : String(value);
    if (typeof value === "boolean") return value ? "yes" : "no";
    if (typeof value === "number") return formatNumber(value, 2);
    if (Array.isArray(value)) return value.join(", ");
    return String(value);
  }
  function labelOf(key, nested) {
    if (LABELS[key]) return LABELS[key];
    const words = key.replace(/_/g, " ");
    return nested ? words : words.charAt(0).toUpperCase() + words.slice(1);
  }
  // Plain facts only: one level of nesting becomes "Group: field"; deeper values are left
  // out rather than shown as JSON.
  function fillList(list, body, prefix) {
    if (!prefix) list.replaceChildren();
    for (const key of Object.keys(body || {})) {
      const value = body[key];
      if (value === null || value === undefined) continue;
      if (typeof value === "object" && !Array.isArray(value)) {
        if (!prefix) fillList(list, value, labelOf(key) + ": ");
        continue;
      }
      const dd = node("dd");
      if (key === "status" && !prefix) dd.append(node("span", value === "healthy" ? "badge good" : "badge bad", String(value)));
      else if (key === "stale" && value === true) dd.append(node("span", "badge bad", "yes"));
      else dd.textContent = describeValue(key, value);
      list.append(node("dt", "", (prefix || "") + labelOf(key, Boolean(prefix))), dd);
    }
  }

  async function refreshStatus() {
    el.healthState.textContent = "Checking...";
    try {
      // /health is open and answers 503 with a body when unhealthy, so read it either way.
      const headers = { Accept: "application/json" };
      const res = await fetch("/health", { headers, cache: "no-store" });
      const body = await readJson(res);
      fillList(el.health, body);
      el.healthState.textContent = res.ok ? "" : describe(res.status, body && body.reason, res.headers.get("Retry-After"));
      if (body && body.model_version) el.headerVersion.textContent = String(body.model_version);
      if (body && body.auth === "required") showKeySection();
    } catch (err) {
      el.health.replaceChildren();
      el.healthState.textContent = err instanceof ApiProblem ? err.message : "Could not reach the API. Check the connection and try again.";
    }
    if (config.authRequired && !apiKey) {
      el.metrics.replaceChildren();
      el.metricsState.textContent = "Enter the API key above to see the metrics.";
      return;
    }
    el.metricsState.textContent = "Checking...";
    try {
      const body = await readJson(await call("/metrics"));
      fillList(el.metrics, body);
      if (body && Array.isArray(body.variants) && body.variants.length) setMax(Math.max.apply(null, body.variants));
      el.metricsState.textContent = "";
    } catch (err) {
      el.metrics.replaceChildren();
      el.metricsState.textContent = messageOf(err);
    }
  }
  el.statusRefresh.addEventListener("click", refreshStatus);

  // ---- start ----
  setMax(maxN);
  if (config.authRequired) showKeySection();
  if (apiKey) el.keyState.textContent = "A key is set for this tab.";
  const params = new URLSearchParams(location.hash.slice(1));
  const wanted = params.get("product");
  if (params.get("n") && validN(params.get("n"))) { el.nNumber.value = params.get("n"); el.nRange.value = params.get("n"); }
  loadSamples();
  refreshStatus();
  if (wanted) { el.product.value = wanted; showAudience(wanted, el.nNumber.value.trim()); }
})();
`;
