// The shell both analyst pages share (report.html, evaluation.html): one self-contained
// document with inline CSS, no script and no network, so it opens from a folder or an email.

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

const STYLE = `body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#111827;background:#f9fafb}
main{max-width:900px;margin:0 auto;padding:24px}
h1{font-size:1.5rem;margin:0 0 4px} h2{font-size:1.15rem;margin:0 0 4px}
.meta,.note{color:#4b5563;font-size:.9rem;margin:0 0 12px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:10px;margin:16px 0 24px}
.card{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:10px 12px}
.card b{display:block;font-size:1.1rem} .card span{color:#6b7280;font-size:.8rem}
section{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:16px;margin:0 0 20px}
figure{margin:0;overflow-x:auto} svg{max-width:100%;height:auto}
table{border-collapse:collapse;font-size:.85rem;margin-top:8px} th,td{padding:3px 10px;border-bottom:1px solid #f3f4f6;text-align:left}
.num{text-align:right;font-variant-numeric:tabular-nums} summary{cursor:pointer;color:#2563eb;font-size:.85rem;margin-top:8px}
details:not([open]) table{display:none}`;

export interface PageParts {
  title: string;
  /** Plain text under the title (escaped here). */
  meta: string;
  /** Headline figures as [label, value] (escaped here). */
  cards: [string, string][];
  /** Trusted HTML: the sections, with every data value already escaped. */
  body: string;
}

export function htmlPage({ title, meta, cards, body }: PageParts): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
${STYLE}
</style></head>
<body><main>
<h1>${escapeHtml(title)}</h1>
<p class="meta">${escapeHtml(meta)}</p>
<div class="cards">${cards.map(([k, v]) => `<div class="card"><b>${escapeHtml(v)}</b><span>${escapeHtml(k)}</span></div>`).join("")}</div>
${body}
</main></body></html>
`;
}
