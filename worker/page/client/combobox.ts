// A product field that finds products by name: the ARIA 1.2 combobox pattern with a listbox
// popup and manual selection (arrows move, Enter chooses the highlighted option, Escape closes,
// Enter with nothing highlighted keeps what was typed, which may be an id). Fed by
// GET /products/search once the API's description lists it; when it does not, or the route
// answers 404 all the same, the field stays a plain id field and says so. Serialized with
// toString() (see index.ts).
import type { Kit } from "./kit.js";
import type { ProductHit, SearchAnswer } from "./types.js";

export interface ComboboxOptions {
  input: HTMLInputElement;
  listbox: HTMLElement;
  /** A polite live region: how many products match, or why there is no list. */
  status: HTMLElement;
  /** Called with the chosen product; the input then holds its id. */
  onChoose: (product: ProductHit) => void;
  /** Whether the API has name search: its description lists /products/search. */
  searchable: Promise<boolean>;
  /** Called once when the API turns out to have no search. */
  onUnavailable: () => void;
}

export function mountCombobox(kit: Kit, options: ComboboxOptions): { close: () => void } {
  const { input, listbox, status } = options;
  const LIMIT = 8;
  const DELAY_MS = 150;
  let hits: ProductHit[] = [];
  let active = -1;
  // Off until the API's description is read: a deployment without search never gets asked.
  let available = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let ticket = 0;

  const optionId = (i: number): string => `${listbox.id}-${i}`;

  const close = (): void => {
    ticket++;
    clearTimeout(timer);
    listbox.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };

  const highlight = (i: number): void => {
    active = i;
    listbox.querySelectorAll<HTMLElement>("[role=option]").forEach((option, j) => {
      option.setAttribute("aria-selected", String(j === i));
    });
    if (i < 0) {
      input.removeAttribute("aria-activedescendant");
      return;
    }
    input.setAttribute("aria-activedescendant", optionId(i));
    document.getElementById(optionId(i))?.scrollIntoView({ block: "nearest" });
  };

  const choose = (i: number): void => {
    const product = hits[i];
    if (!product) return;
    input.value = String(product.product_id);
    close();
    status.textContent = "";
    options.onChoose(product);
  };

  const render = (): void => {
    listbox.replaceChildren(
      ...hits.map((hit, i) => {
        const option = kit.node("li", "option");
        option.id = optionId(i);
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        const name = hit.product_name == null ? "(no name)" : String(hit.product_name);
        option.append(
          kit.node("span", "option-name", name),
          kit.node("span", "option-id", String(hit.product_id)),
        );
        // mousedown, not click: the input keeps focus, so the list does not close first.
        option.addEventListener("mousedown", (ev) => {
          ev.preventDefault();
          choose(i);
        });
        return option;
      }),
    );
    const open = hits.length > 0;
    listbox.hidden = !open;
    input.setAttribute("aria-expanded", String(open));
    active = -1;
    input.removeAttribute("aria-activedescendant");
  };

  const search = async (q: string): Promise<void> => {
    const mine = ++ticket;
    try {
      const res = await kit.call(`/products/search?q=${encodeURIComponent(q)}&limit=${LIMIT}`);
      const data = await kit.readJson<SearchAnswer | null>(res);
      if (mine !== ticket) return;
      hits = Array.isArray(data?.results) ? data.results : [];
      render();
      status.textContent = hits.length
        ? `${hits.length} ${hits.length === 1 ? "product matches" : "products match"}; use the arrow keys to choose.`
        : "No product name matches; Enter asks for it as an id.";
    } catch (err) {
      if (mine !== ticket) return;
      hits = [];
      render();
      if (err instanceof kit.ApiProblem && err.status === 404) {
        available = false;
        status.textContent = "";
        options.onUnavailable();
        return;
      }
      status.textContent = `Name search failed: ${kit.messageOf(err)}`;
    }
  };

  void options.searchable.then((yes) => {
    available = yes;
    if (!yes) options.onUnavailable();
  });

  input.addEventListener("input", () => {
    clearTimeout(timer);
    const q = input.value.trim();
    if (!available || !q || q.length > 100) {
      close();
      return;
    }
    timer = setTimeout(() => void search(q), DELAY_MS);
  });

  input.addEventListener("keydown", (ev) => {
    const open = !listbox.hidden;
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      if (!open) {
        if (hits.length && available) render();
        return;
      }
      ev.preventDefault();
      const step = ev.key === "ArrowDown" ? 1 : -1;
      // Past either end the highlight goes back to the typed text, as in the ARIA pattern.
      const next = active + step;
      highlight(next >= hits.length ? -1 : next < -1 ? hits.length - 1 : next);
    } else if (ev.key === "Enter") {
      if (open && active >= 0) {
        ev.preventDefault();
        choose(active);
      } else close();
    } else if (ev.key === "Escape") {
      if (open) {
        ev.preventDefault();
        close();
      } else if (input.value) {
        ev.preventDefault();
        input.value = "";
      }
    }
  });

  input.addEventListener("blur", close);

  return { close };
}
