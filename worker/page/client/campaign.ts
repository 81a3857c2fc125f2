// The campaign view: several products (found by name, or typed as ids), an audience size and
// a holdout share; GET /audience merges the products' audiences, each customer once with the
// product that gave their best score, and flags the random holdout group. The table shows
// both; Download CSV fetches the same call as CSV. Serialized with toString() (see index.ts).
import type { mountCombobox } from "./combobox.js";
import type { Kit } from "./kit.js";
import type { CampaignAnswer } from "./types.js";

export function mountCampaign(kit: Kit, combobox: typeof mountCombobox, searchable: Promise<boolean>): void {
  const { byId, node } = kit;
  const MAX_PRODUCTS = 100;
  const MAX_N = 1000;
  const MAX_HOLDOUT = 50;
  const el = {
    form: byId<HTMLFormElement>("campaign-form"),
    product: byId<HTMLInputElement>("campaign-product"),
    options: byId("campaign-options"),
    searchState: byId("campaign-search-state"),
    help: byId("campaign-product-help"),
    add: byId("campaign-add"),
    list: byId("campaign-products"),
    empty: byId("campaign-empty"),
    n: byId<HTMLInputElement>("campaign-n"),
    holdout: byId<HTMLInputElement>("campaign-holdout"),
    name: byId<HTMLInputElement>("campaign-name"),
    error: byId("campaign-error"),
    summary: byId("campaign-summary"),
    actions: byId("campaign-actions"),
    csv: byId("campaign-csv"),
    actionState: byId("campaign-action-state"),
    table: byId("campaign-table"),
    rows: byId("campaign-rows"),
    results: byId("campaign-results"),
  };
  /** Product id → name, for the products the reader added (names only when search found them). */
  const chosen = new Map<string, string | null>();
  let shown: { query: string; campaign: string; n: number } | null = null;
  let ticket = 0;

  const showError = (text: string, focus?: HTMLElement): void => {
    el.error.textContent = text;
    el.error.hidden = false;
    focus?.focus();
  };
  const clearError = (): void => {
    el.error.hidden = true;
    el.error.textContent = "";
  };
  const label = (id: string): string => {
    const name = chosen.get(id);
    return name ? `${name} (${id})` : id;
  };

  const renderList = (): void => {
    el.list.replaceChildren(
      ...[...chosen.keys()].map((id) => {
        const li = node("li", "chip");
        const remove = node("button", "secondary", "Remove");
        remove.type = "button";
        remove.setAttribute("aria-label", `Remove ${label(id)}`);
        remove.addEventListener("click", () => {
          chosen.delete(id);
          renderList();
          el.product.focus();
        });
        li.append(node("span", "chip-label", label(id)), remove);
        return li;
      }),
    );
    el.empty.hidden = chosen.size > 0;
  };

  const addProduct = (id: string, name: string | null): boolean => {
    if (!kit.idPattern.test(id)) {
      showError(
        `"${id}" is not a product id: 1 to 64 letters, digits, dots, dashes or underscores.`,
        el.product,
      );
      return false;
    }
    if (!chosen.has(id) && chosen.size >= MAX_PRODUCTS) {
      showError(`A campaign holds at most ${MAX_PRODUCTS} products.`, el.product);
      return false;
    }
    if (!chosen.has(id) || name) chosen.set(id, name ?? chosen.get(id) ?? null);
    return true;
  };

  const search = combobox(kit, {
    input: el.product,
    listbox: el.options,
    status: el.searchState,
    searchable,
    onChoose: (hit) => {
      clearError();
      if (addProduct(String(hit.product_id), hit.product_name ?? null)) {
        el.product.value = "";
        renderList();
      }
    },
    onUnavailable: () => {
      el.help.textContent = "This API has no name search: type one or more product ids, separated by commas.";
    },
  });

  // Typed ids (one, or several separated by commas or spaces) go in as they are.
  const addTyped = (): void => {
    clearError();
    search.close();
    const ids = el.product.value.split(/[\s,]+/).filter(Boolean);
    if (!ids.length) {
      showError("Type a product name and choose it, or type a product id.", el.product);
      return;
    }
    // Ids before a bad one stay added; the field keeps the text so the bad one can be fixed.
    const allAdded = ids.every((id) => addProduct(id, null));
    if (allAdded) el.product.value = "";
    renderList();
  };
  el.add.addEventListener("click", addTyped);
  el.product.addEventListener("keydown", (ev) => {
    // The combobox handles Enter on a highlighted option first and stops the form submit.
    if (ev.key === "Enter" && !ev.defaultPrevented) {
      ev.preventDefault();
      addTyped();
    }
  });

  const render = (data: CampaignAnswer, n: number): void => {
    const recs = data.recommendations;
    el.rows.replaceChildren(
      ...recs.map((r) => {
        const tr = node("tr", r.holdout ? "held-out" : "");
        tr.append(
          node("td", "rank", String(r.rank)),
          node("td", "customer", String(r.customer_id)),
          node("td", "score-value", kit.formatNumber(r.score, 4, true)),
          node("td", "", label(String(r.product_id))),
          node("td", "", r.holdout ? "Holdout" : "Targeted"),
        );
        return tr;
      }),
    );
    const count = Number(data.count ?? recs.length);
    const parts = [
      `${count} ${count === 1 ? "customer" : "customers"} for campaign ${String(data.campaign ?? "")}: ` +
        `${Number(data.targeted ?? 0)} targeted, ${Number(data.holdout ?? 0)} held out.`,
    ];
    if (data.fallback) {
      parts.push("The model knows none of these products, so this is the fallback audience.");
    }
    const unknown = Array.isArray(data.unknown_products) ? data.unknown_products.map(String) : [];
    if (unknown.length) parts.push(`Unknown to the model, so they add no one: ${unknown.join(", ")}.`);
    if (count < n && !data.fallback) parts.push(`These products' audiences hold only ${count} customers.`);
    el.summary.textContent = parts.join(" ");
    el.table.hidden = recs.length === 0;
    el.actions.hidden = recs.length === 0;
  };

  el.form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearError();
    el.actionState.textContent = "";
    if (!chosen.size) return showError("Add at least one product to the campaign.", el.product);
    const nText = el.n.value.trim();
    if (!/^\d+$/.test(nText) || Number(nText) < 1 || Number(nText) > MAX_N) {
      return showError(`The audience size must be a whole number from 1 to ${MAX_N}.`, el.n);
    }
    const holdoutText = el.holdout.value.trim() || "0";
    const holdout = Number(holdoutText);
    if (!/^\d+(\.\d+)?$/.test(holdoutText) || holdout > MAX_HOLDOUT) {
      return showError(`The holdout share must be a number from 0 to ${MAX_HOLDOUT} (percent).`, el.holdout);
    }
    const name = el.name.value.trim();
    if (name && !kit.idPattern.test(name)) {
      return showError(
        "A campaign name is 1 to 64 letters, digits, dots, dashes or underscores (or leave it empty).",
        el.name,
      );
    }
    const n = Number(nText);
    const query =
      `products=${[...chosen.keys()].map(encodeURIComponent).join(",")}&n=${n}&holdout_pct=${holdoutText}` +
      (name ? `&campaign=${encodeURIComponent(name)}` : "");
    const mine = ++ticket;
    el.results.setAttribute("aria-busy", "true");
    el.summary.textContent = "Building the campaign audience...";
    try {
      const res = await kit.call(`/audience?${query}`);
      const data = await kit.readJson<CampaignAnswer | null>(res);
      if (mine !== ticket) return;
      if (!data || !Array.isArray(data.recommendations)) {
        throw new kit.ApiProblem(res.status, "The API sent an answer this page could not read.");
      }
      shown = { query, campaign: String(data.campaign ?? (name || "campaign")), n };
      render(data, n);
    } catch (err) {
      if (mine !== ticket) return;
      shown = null;
      el.rows.replaceChildren();
      el.table.hidden = true;
      el.actions.hidden = true;
      el.summary.textContent = "No campaign audience to show.";
      const missing = err instanceof kit.ApiProblem && err.status === 404;
      showError(
        missing
          ? "This API does not offer campaign audiences yet (GET /audience answered 404); a newer deployment does."
          : kit.messageOf(err),
      );
    } finally {
      if (mine === ticket) el.results.setAttribute("aria-busy", "false");
    }
  });

  el.csv.addEventListener("click", async () => {
    if (!shown) return;
    clearError();
    el.actionState.textContent = "Preparing the CSV...";
    try {
      const res = await kit.call(`/audience?${shown.query}&format=csv`, "text/csv");
      if (!(res.headers.get("Content-Type") ?? "").includes("text/csv")) {
        throw new kit.ApiProblem(res.status, "The API did not send a CSV file.");
      }
      const filename = `campaign-${shown.campaign}-n${shown.n}.csv`;
      await kit.download(res, filename);
      el.actionState.textContent = `Downloaded ${filename}.`;
    } catch (err) {
      el.actionState.textContent = "";
      showError(kit.messageOf(err));
    }
  });

  renderList();
}
