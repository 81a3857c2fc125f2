// What every part of the demo page's script shares: calling the API with the key, turning
// failures into sentences, and building DOM nodes from text. Serialized with toString()
// (see index.ts), so everything it uses is declared inside createKit.
import type { PageConfig } from "./types.js";

export function createKit(config: PageConfig) {
  const KEY_STORE = "product-audience.api-key";
  let apiKey = "";
  // Set by the page: a 401 from any call shows the key field.
  let onUnauthorized = (): void => {};
  try {
    apiKey = sessionStorage.getItem(KEY_STORE) ?? "";
  } catch {
    // Storage blocked: the key lives in memory only.
  }

  class ApiProblem extends Error {
    readonly status: number;
    constructor(status: number, message: string) {
      super(message);
      this.status = status;
    }
  }

  const byId = <T extends HTMLElement = HTMLElement>(id: string): T => {
    const found = document.getElementById(id);
    if (!found) throw new Error(`the page has no #${id}`);
    return found as T;
  };

  const sentence = (text: unknown): string =>
    String(text)
      .trim()
      .replace(/[.\s]+$/, "");

  /** An HTTP failure in words a marketer can act on. */
  const describe = (status: number, message?: unknown, retryAfter?: string | null): string => {
    const detail = message ? `: ${sentence(message)}` : "";
    const wait =
      retryAfter && /^\d+$/.test(retryAfter) ? ` Try again in ${retryAfter} seconds.` : " Try again shortly.";
    if (status === 401) {
      return apiKey
        ? "The API key was not accepted. Check it in the API key box and try again."
        : "This API needs a key. Enter it in the API key box.";
    }
    if (status === 404) return `The API has no such address${detail}.`;
    if (status === 413) return `The request was too large for the API${detail}.`;
    if (status === 422) return `The API did not accept that input${detail}.`;
    if (status === 429) return `Too many requests right now.${wait}`;
    if (status === 503) {
      return `The API is unavailable${detail || ": no model is published yet, or its storage is down"}.${wait}`;
    }
    if (status >= 500) return `The API had an internal problem (status ${status}).${wait}`;
    return `The API answered with status ${status}${detail}.`;
  };

  /** A GET with the key; any answer but 2xx becomes an ApiProblem carrying its sentence. */
  const call = async (path: string, accept = "application/json"): Promise<Response> => {
    const headers: Record<string, string> = { Accept: accept };
    if (apiKey) headers["X-API-Key"] = apiKey;
    let res: Response;
    try {
      res = await fetch(path, { headers, cache: "no-store" });
    } catch {
      throw new ApiProblem(0, "Could not reach the API. Check the connection and try again.");
    }
    if (res.ok) return res;
    let message = "";
    try {
      const body = (await res.json()) as { error?: { message?: unknown }; reason?: unknown } | null;
      if (typeof body?.error?.message === "string") message = body.error.message;
      else if (typeof body?.reason === "string") message = body.reason;
    } catch {
      // Not JSON (a proxy's HTML page, say): the status alone says enough.
    }
    if (res.status === 401) onUnauthorized();
    throw new ApiProblem(res.status, describe(res.status, message, res.headers.get("Retry-After")));
  };

  const readJson = async <T>(res: Response): Promise<T> => {
    try {
      return (await res.json()) as T;
    } catch {
      throw new ApiProblem(res.status, "The API sent an answer this page could not read.");
    }
  };

  const messageOf = (err: unknown): string => {
    if (err instanceof ApiProblem) return err.message;
    const text = err instanceof Error ? err.message : err;
    return `Something went wrong in this page: ${sentence(text)}.`;
  };

  const node = <K extends keyof HTMLElementTagNameMap>(
    tag: K,
    className?: string,
    text?: string,
  ): HTMLElementTagNameMap[K] => {
    const made = document.createElement(tag);
    if (className) made.className = className;
    if (text !== undefined) made.textContent = text;
    return made;
  };

  const formatNumber = (value: unknown, digits: number, fixed = false): string => {
    const x = Number(value);
    if (!Number.isFinite(x)) return String(value);
    return x.toLocaleString(undefined, {
      minimumFractionDigits: fixed ? digits : 0,
      maximumFractionDigits: digits,
    });
  };

  const formatAge = (seconds: unknown): string => {
    const s = Number(seconds);
    if (!Number.isFinite(s)) return String(seconds);
    if (s < 90) return `${Math.round(s)} seconds`;
    if (s < 5400) return `${Math.round(s / 60)} minutes`;
    if (s < 129600) return `${Math.round(s / 3600)} hours`;
    return `${Math.round(s / 86400)} days`;
  };

  const formatTime = (iso: unknown): string => {
    const d = new Date(String(iso));
    if (!iso || Number.isNaN(d.getTime())) return String(iso ?? "unknown");
    const text = d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
    return `${text} (${formatAge((Date.now() - d.getTime()) / 1000)} ago)`;
  };

  const setTime = (target: HTMLElement, iso: unknown): void => {
    const t = node("time", "", formatTime(iso));
    if (iso) t.dateTime = String(iso);
    target.replaceChildren(t);
  };

  /** Saves a file the API sent (CSV) under the given name. */
  const download = async (res: Response, filename: string): Promise<void> => {
    const url = URL.createObjectURL(await res.blob());
    const a = node("a");
    a.href = url;
    a.download = filename;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 30_000);
  };

  return {
    config,
    ApiProblem,
    hasKey: () => apiKey !== "",
    onUnauthorized: (handler: () => void): void => {
      onUnauthorized = handler;
    },
    saveKey: (value: string): void => {
      apiKey = value;
      try {
        if (value) sessionStorage.setItem(KEY_STORE, value);
        else sessionStorage.removeItem(KEY_STORE);
      } catch {
        // Storage blocked: memory only.
      }
    },
    idPattern: new RegExp(config.idPattern),
    byId,
    describe,
    call,
    readJson,
    messageOf,
    node,
    formatNumber,
    formatAge,
    formatTime,
    setTime,
    download,
  };
}

export type Kit = ReturnType<typeof createKit>;
