// The demo page for browsers at GET / (Accept: text/html). Placeholder until the demo
// page issue lands: the worker's root route calls this and only this.

export interface DemoPageOptions {
  /** The largest n the live build serves (its largest variant), or 100 when unknown. */
  maxN: number;
  /** True when API_KEYS is set, so the page must ask for a key. */
  authRequired: boolean;
  modelVersion: string | null;
}

export function renderDemoPage(options: DemoPageOptions): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>product-audience</title></head><body><h1>product-audience</h1><p>Model ${options.modelVersion ?? "not published"}.</p></body></html>`;
}
