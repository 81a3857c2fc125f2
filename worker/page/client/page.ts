// The demo page's script: the API key, one product's audience (n, CSV, copy, shareable
// link), sample products and the API status. Rules it keeps:
// - everything from the API reaches the DOM through textContent / createElement, never HTML;
// - every failure becomes a sentence for the reader, never raw JSON or an empty page;
// - the API key lives in sessionStorage only and travels as X-API-Key.
// Serialized with toString() (see index.ts): it may import types only, and reaches the other
// parts of the script through its argument.
import type { mountCampaign } from "./campaign.js";
import type { mountCombobox } from "./combobox.js";
import type { createKit } from "./kit.js";
import type { AudienceAnswer, Facts, PageConfig, SampleAnswer } from "./types.js";

export interface ClientParts {
  createKit: typeof createKit;
  mountCombobox: typeof mountCombobox;
  mountCampaign: typeof mountCampaign;
}

type AudienceKind = "prospects" | "retarget";

export function startPage(parts: ClientParts): void {
  const configText = document.getElementById("page-config")?.textContent;
  const kit = parts.createKit(JSON.parse(configText || "{}") as PageConfig);
  const { config, byId, node, call, readJson, messageOf, ApiProblem } = kit;
  let maxN = config.maxN;
  let current: { id: string; n: number; kind: AudienceKind; data: AudienceAnswer } | null = null;
  // The last audience asked for, shown or not: entering a key retries it.
  let asked: { id: string; n: number } | null = null;
  let ticket = 0;

  const el = {
    keySection: byId("key-section"),
    keyForm: byId<HTMLFormElement>("key-form"),
    keyInput: byId<HTMLInputElement>("api-key"),
    keyState: byId("key-state"),
    keyForget: byId("key-forget"),
    form: byId<HTMLFormElement>("query-form"),
    product: byId<HTMLInputElement>("product-id"),
    productOptions: byId("product-options"),
    productSearchState: byId("product-search-state"),
    productHelp: byId("product-help"),
    kindRetarget: byId<HTMLInputElement>("kind-retarget"),
    kindHelp: byId("kind-help"),
    resultsTitle: byId("results-title"),
    reasonColumn: byId("reason-col"),
    nRange: byId<HTMLInputElement>("n-range"),
    nNumber: byId<HTMLInputElement>("n-number"),
    nHelp: byId("n-max"),
    samples: byId("samples"),
    samplesState: byId("samples-state"),
    results: byId("results"),
    error: byId("error"),
    summary: byId("summary"),
    fallback: byId("fallback"),
    fallbackNote: byId("fallback-note"),
    meta: byId("result-meta"),
    metaVersion: byId("meta-version"),
    metaGenerated: byId("meta-generated"),
    actions: byId("actions"),
    csv: byId("download-csv"),
    copy: byId("copy-ids"),
    actionState: byId("action-state"),
    table: byId("audience"),
    tbody: byId("audience-rows"),
    statusRefresh: byId("status-refresh"),
    health: byId("health"),
    healthState: byId("health-state"),
    metrics: byId("metrics"),
    metricsState: byId("metrics-state"),
    headerVersion: byId("model-version"),
  };

  const showError = (text: string, focusTarget?: HTMLElement | null): void => {
    el.error.textContent = text;
    el.error.hidden = false;
    focusTarget?.focus();
  };
  const clearError = (): void => {
    el.error.hidden = true;
    el.error.textContent = "";
  };

  // ---- the API key ----
  const showKeySection = (): void => {
    el.keySection.hidden = false;
  };
  kit.onUnauthorized(showKeySection);
  const saveKey = (value: string): void => {
    kit.saveKey(value);
    el.keyState.textContent = value ? "A key is set for this tab." : "No key is set.";
  };
  el.keyForm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const value = el.keyInput.value.trim();
    if (!value) {
      el.keyState.textContent = "Enter a key first.";
      el.keyInput.focus();
      return;
    }
    saveKey(value);
    el.keyInput.value = "";
    clearError();
    void loadSamples();
    void refreshStatus();
    if (asked) void showAudience(asked.id, String(asked.n));
  });
  el.keyForget.addEventListener("click", () => {
    saveKey("");
    el.keyInput.focus();
  });

  // ---- n: the slider and the number stay in sync ----
  const setMax = (value: unknown): void => {
    const m = Number(value);
    if (!Number.isInteger(m) || m < 1) return;
    maxN = m;
    el.nRange.max = String(m);
    el.nNumber.max = String(m);
    el.nHelp.textContent = String(m);
  };
  const validN = (v: unknown): boolean => /^\d+$/.test(String(v)) && Number(v) >= 1 && Number(v) <= maxN;
  el.nRange.addEventListener("input", () => {
    el.nNumber.value = el.nRange.value;
  });
  el.nNumber.addEventListener("input", () => {
    if (validN(el.nNumber.value)) el.nRange.value = el.nNumber.value;
  });
  // A released slider or a committed number refreshes the audience on show.
  const refreshOnN = (): void => {
    if (current && validN(el.nNumber.value) && Number(el.nNumber.value) !== current.n) {
      void showAudience(current.id, el.nNumber.value);
    }
  };
  el.nRange.addEventListener("change", refreshOnN);
  el.nNumber.addEventListener("change", refreshOnN);

  // ---- what the API offers, from its OpenAPI description ----
  // An older deployment has no name search (asking would only fill the console with 404s) and
  // ignores audience=retarget, which would show prospects under the retarget label. With no
  // readable description, assume everything and let the routes' own answers (404) decide.
  const described = (async (): Promise<{ search: boolean; retarget: boolean }> => {
    try {
      const res = await fetch("/openapi.json", { headers: { Accept: "application/json" } });
      if (!res.ok) return { search: true, retarget: true };
      const doc = (await res.json()) as {
        paths?: Record<string, { get?: { parameters?: { name?: string }[] } }>;
      };
      const paths = Object.entries(doc.paths ?? {});
      return {
        search: paths.some(([path]) => path === "/products/search"),
        retarget: paths.some(
          ([path, item]) =>
            path.startsWith("/recommend/") && (item.get?.parameters ?? []).some((p) => p.name === "audience"),
        ),
      };
    } catch {
      return { search: true, retarget: true };
    }
  })();
  const searchable = described.then((api) => api.search);
  void described.then((api) => {
    if (api.retarget) return;
    el.kindRetarget.disabled = true;
    el.kindHelp.textContent = "This API does not offer retarget audiences yet.";
  });

  // ---- the product field: names through search, ids always ----
  parts.mountCombobox(kit, {
    input: el.product,
    listbox: el.productOptions,
    status: el.productSearchState,
    searchable,
    onChoose: (hit) => void showAudience(String(hit.product_id), el.nNumber.value.trim()),
    onUnavailable: () => {
      el.productHelp.textContent =
        "This API has no name search: enter a product id (letters, digits, dots, dashes or underscores).";
    },
  });

  // ---- prospects or retarget ----
  const kind = (): AudienceKind => (el.kindRetarget.checked ? "retarget" : "prospects");
  for (const radio of document.querySelectorAll<HTMLInputElement>("input[name=kind]")) {
    radio.addEventListener("change", () => {
      if (current && current.kind !== kind()) void showAudience(current.id, String(current.n));
    });
  }

  // ---- the audience ----
  el.form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    void showAudience(el.product.value.trim(), el.nNumber.value.trim());
  });

  const hideResult = (): void => {
    current = null;
    el.table.hidden = true;
    el.actions.hidden = true;
    el.meta.hidden = true;
    el.fallback.hidden = true;
    el.tbody.replaceChildren();
    el.resultsTitle.textContent = "Audience";
  };

  const showAudience = async (id: string, nText: string): Promise<void> => {
    clearError();
    el.actionState.textContent = "";
    if (!id) return showError("Enter a product id, or pick a sample product.", el.product);
    if (!kit.idPattern.test(id)) {
      return showError("A product id is 1 to 64 letters, digits, dots, dashes or underscores.", el.product);
    }
    if (!validN(nText)) {
      return showError(`The audience size must be a whole number from 1 to ${maxN}.`, el.nNumber);
    }
    const n = Number(nText);
    const audience = kind();
    const kindQuery = audience === "retarget" ? "&audience=retarget" : "";
    asked = { id, n };
    el.nNumber.value = String(n);
    el.nRange.value = String(n);
    const mine = ++ticket;
    el.results.setAttribute("aria-busy", "true");
    el.summary.textContent = `Loading the audience for product ${id}...`;
    try {
      // explain=true adds a reason per customer; a deployment without reasons ignores it.
      const res = await call(`/recommend/${encodeURIComponent(id)}?n=${n}${kindQuery}&explain=true`);
      const data = await readJson<AudienceAnswer | null>(res);
      if (mine !== ticket) return;
      if (!data || !Array.isArray(data.recommendations)) {
        throw new ApiProblem(res.status, "The API sent an answer this page could not read.");
      }
      current = { id, n, kind: audience, data };
      renderAudience(data, id, audience);
      markSample(id);
      try {
        history.replaceState(null, "", `#product=${encodeURIComponent(id)}&n=${n}${kindQuery}`);
      } catch {
        // Sandboxed: no shareable link.
      }
    } catch (err) {
      if (mine !== ticket) return;
      hideResult();
      el.summary.textContent = "No audience to show.";
      showError(messageOf(err), err instanceof ApiProblem && err.status === 401 ? el.keyInput : null);
    } finally {
      if (mine === ticket) el.results.setAttribute("aria-busy", "false");
    }
  };

  const renderAudience = (data: AudienceAnswer, id: string, audience: AudienceKind): void => {
    const recs = data.recommendations;
    const explained = recs.some((r) => typeof r.reason?.text === "string");
    const scores = recs.map((r) => Number(r.score)).filter(Number.isFinite);
    const top = scores.length ? Math.max(...scores) : 0;
    const rows = recs.map((r) => {
      const tr = node("tr");
      tr.append(node("td", "rank", String(r.rank)), node("td", "customer", String(r.customer_id)));
      const td = node("td");
      const wrap = node("div", "score");
      const track = node("div", "bar-track");
      const bar = node("div", "bar");
      const share = top > 0 ? Math.max(0, Math.min(1, Number(r.score) / top)) : 0;
      bar.style.width = `${(share * 100).toFixed(1)}%`;
      track.setAttribute("aria-hidden", "true");
      track.append(bar);
      wrap.append(node("span", "score-value", kit.formatNumber(r.score, 4, true)), track);
      td.append(wrap);
      tr.append(td);
      if (explained) tr.append(node("td", "reason", String(r.reason?.text ?? "")));
      return tr;
    });
    el.tbody.replaceChildren(...rows);
    el.reasonColumn.hidden = !explained;
    el.resultsTitle.textContent = data.product_name ? String(data.product_name) : "Audience";
    const who = `product ${id}`;
    const count = `${recs.length} ${recs.length === 1 ? "customer" : "customers"}`;
    const retarget = audience === "retarget";
    el.summary.textContent = data.fallback
      ? `Fallback audience for ${who}: the top ${count} overall, because the model has not seen this product.`
      : recs.length
        ? retarget
          ? `${count} to win back for ${who}: they carted or wishlisted it and never bought it, newest first.`
          : `Top ${count} for ${who}.`
        : retarget
          ? `No customer carted or wishlisted ${who} without buying it.`
          : `The model has no customers to suggest for ${who}.`;
    el.fallback.hidden = !data.fallback;
    el.fallbackNote.textContent =
      data.note || "This product is new to the model, so this is the fallback audience.";
    el.metaVersion.textContent = String(data.model_version || "unknown");
    kit.setTime(el.metaGenerated, data.generated_at);
    el.meta.hidden = false;
    el.table.hidden = recs.length === 0;
    el.actions.hidden = recs.length === 0;
  };

  // ---- CSV and copy ----
  el.csv.addEventListener("click", async () => {
    if (!current) return;
    const { id, n } = current;
    const retarget = current.kind === "retarget";
    clearError();
    el.actionState.textContent = "Preparing the CSV...";
    try {
      const kindQuery = retarget ? "&audience=retarget" : "";
      const res = await call(
        `/recommend/${encodeURIComponent(id)}?n=${n}${kindQuery}&format=csv`,
        "text/csv",
      );
      if (!(res.headers.get("Content-Type") ?? "").includes("text/csv")) {
        throw new ApiProblem(res.status, "The API did not send a CSV file.");
      }
      const filename = `${retarget ? "retarget" : "audience"}-${id}-n${n}.csv`;
      await kit.download(res, filename);
      el.actionState.textContent = `Downloaded ${filename}.`;
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
    try {
      await navigator.clipboard.writeText(text);
      ok = true;
    } catch {
      // Older browsers or a blocked clipboard API: the selection-based copy still works.
      const area = node("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "sr-only";
      document.body.append(area);
      area.select();
      try {
        ok = document.execCommand("copy");
      } catch {
        ok = false;
      }
      area.remove();
      el.copy.focus();
    }
    el.actionState.textContent = ok
      ? `Copied ${ids.length} customer ids to the clipboard, one per line.`
      : "This browser blocked copying; select the ids in the table instead.";
  });

  // ---- sample products ----
  const markSample = (id: string): void => {
    for (const b of el.samples.querySelectorAll("button")) {
      b.setAttribute("aria-pressed", String(b.textContent === id));
    }
  };

  const loadSamples = async (): Promise<void> => {
    if (config.authRequired && !kit.hasKey()) {
      el.samplesState.textContent = "Enter the API key above to load sample products.";
      return;
    }
    el.samplesState.textContent = "Loading sample products...";
    try {
      const data = await readJson<SampleAnswer>(await call(`/products/sample?n=${config.sampleSize}`));
      const ids = Array.isArray(data.sample_products) ? data.sample_products.map(String) : [];
      el.samples.replaceChildren(
        ...ids.map((id) => {
          const li = node("li");
          const b = node("button", "", id);
          b.type = "button";
          b.setAttribute("aria-pressed", "false");
          b.addEventListener("click", () => {
            el.product.value = id;
            void showAudience(id, el.nNumber.value.trim());
          });
          li.append(b);
          return li;
        }),
      );
      el.samplesState.textContent = ids.length
        ? `${ids.length} of ${kit.formatNumber(data.total_available, 0)} products. Pick one to see its audience.`
        : "The live model has no sample products.";
      if (current) markSample(current.id);
    } catch (err) {
      el.samples.replaceChildren();
      el.samplesState.textContent = messageOf(err);
    }
  };

  // ---- API status ----
  const LABELS: Record<string, string> = {
    status: "Status",
    model_loaded: "Model loaded",
    products: "Products",
    model_version: "Model version",
    generated_at: "Generated",
    age_seconds: "Age",
    auth: "Access",
    reason: "Reason",
    model_type: "Model type",
    cached_recommendations: "Cached audiences",
    available_products: "Available products",
    variants: "Audience sizes",
    id_type: "Id type",
    stale: "Stale",
    stale_after_days: "Stale after",
    ttl_seconds: "TTL",
    isolate_cache: "Isolate cache",
  };
  const describeValue = (key: string, value: unknown): string => {
    if (key === "generated_at") return kit.formatTime(value);
    if (key === "age_seconds") return kit.formatAge(value);
    if (key === "stale_after_days") return `${kit.formatNumber(value, 1)} days`;
    if (key === "ttl_seconds") return `${kit.formatNumber(value, 1)} seconds`;
    if (key === "auth") {
      return value === "required"
        ? "API key required"
        : value === "open"
          ? "Open (no key needed)"
          : String(value);
    }
    if (typeof value === "boolean") return value ? "yes" : "no";
    if (typeof value === "number") return kit.formatNumber(value, 2);
    if (Array.isArray(value)) return value.join(", ");
    return String(value);
  };
  const labelOf = (key: string, nested = false): string => {
    if (LABELS[key]) return LABELS[key];
    const words = key.replace(/_/g, " ");
    return nested ? words : words.charAt(0).toUpperCase() + words.slice(1);
  };
  // Plain facts only: one level of nesting becomes "Group: field"; deeper values are left
  // out rather than shown as JSON.
  const fillList = (list: HTMLElement, body: Facts | null, prefix = ""): void => {
    if (!prefix) list.replaceChildren();
    for (const [key, value] of Object.entries(body ?? {})) {
      if (value === null || value === undefined) continue;
      if (typeof value === "object" && !Array.isArray(value)) {
        if (!prefix) fillList(list, value as Facts, `${labelOf(key)}: `);
        continue;
      }
      const dd = node("dd");
      if (key === "status" && !prefix) {
        dd.append(node("span", value === "healthy" ? "badge good" : "badge bad", String(value)));
      } else if (key === "stale" && value === true) dd.append(node("span", "badge bad", "yes"));
      else dd.textContent = describeValue(key, value);
      list.append(node("dt", "", prefix + labelOf(key, Boolean(prefix))), dd);
    }
  };

  const refreshStatus = async (): Promise<void> => {
    el.healthState.textContent = "Checking...";
    try {
      // /health is open and answers 503 with a body when unhealthy, so read it either way.
      const res = await fetch("/health", { headers: { Accept: "application/json" }, cache: "no-store" });
      const body = await readJson<Facts | null>(res);
      fillList(el.health, body);
      el.healthState.textContent = res.ok
        ? ""
        : kit.describe(res.status, body?.reason, res.headers.get("Retry-After"));
      if (body?.model_version) el.headerVersion.textContent = String(body.model_version);
      if (body?.auth === "required") showKeySection();
    } catch (err) {
      el.health.replaceChildren();
      el.healthState.textContent =
        err instanceof ApiProblem
          ? err.message
          : "Could not reach the API. Check the connection and try again.";
    }
    if (config.authRequired && !kit.hasKey()) {
      el.metrics.replaceChildren();
      el.metricsState.textContent = "Enter the API key above to see the metrics.";
      return;
    }
    el.metricsState.textContent = "Checking...";
    try {
      const body = await readJson<Facts | null>(await call("/metrics"));
      fillList(el.metrics, body);
      const variants = body?.variants;
      if (Array.isArray(variants) && variants.length) setMax(Math.max(...variants.map(Number)));
      el.metricsState.textContent = "";
    } catch (err) {
      el.metrics.replaceChildren();
      el.metricsState.textContent = messageOf(err);
    }
  };
  el.statusRefresh.addEventListener("click", () => void refreshStatus());

  // ---- start ----
  setMax(maxN);
  if (config.authRequired) showKeySection();
  if (kit.hasKey()) el.keyState.textContent = "A key is set for this tab.";
  const params = new URLSearchParams(location.hash.slice(1));
  const wanted = params.get("product");
  if (params.get("audience") === "retarget") el.kindRetarget.checked = true;
  const wantedN = params.get("n");
  if (wantedN && validN(wantedN)) {
    el.nNumber.value = wantedN;
    el.nRange.value = wantedN;
  }
  void loadSamples();
  void refreshStatus();
  parts.mountCampaign(kit, parts.mountCombobox, searchable);
  if (wanted) {
    el.product.value = wanted;
    void showAudience(wanted, el.nNumber.value.trim());
  }
}
