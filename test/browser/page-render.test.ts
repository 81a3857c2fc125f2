// The page as the worker renders it, before any browser runs it: what the server inserts
// is escaped, the options reach the controls, and nothing is loaded from elsewhere.
import { describe, expect, it } from "vitest";
import { renderDemoPage } from "../../worker/page/index.js";

describe("renderDemoPage", () => {
  it("escapes the model version it prints", () => {
    const html = renderDemoPage({
      maxN: 100,
      authRequired: false,
      modelVersion: '</code><script>alert("x")</script>',
    });
    expect(html).not.toContain('<script>alert("x")');
    expect(html).toContain("&lt;/code&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
  });

  it("says when no model is published", () => {
    expect(renderDemoPage({ maxN: 100, authRequired: false, modelVersion: null })).toContain(
      ">none published yet</code>",
    );
  });

  it("bounds both n controls by maxN and starts at 10, or at maxN when that is smaller", () => {
    const html = renderDemoPage({ maxN: 50, authRequired: false, modelVersion: "v" });
    expect(html).toMatch(/id="n-range" type="range" min="1" max="50" value="10"/);
    expect(html).toMatch(/id="n-number" name="n" type="number" min="1" max="50" value="10"/);
    const small = renderDemoPage({ maxN: 5, authRequired: false, modelVersion: "v" });
    expect(small).toMatch(/id="n-number" name="n" type="number" min="1" max="5" value="5"/);
  });

  it("falls back to 100 for a maxN that is not a positive integer", () => {
    for (const maxN of [0, -3, 2.5, Number.NaN]) {
      expect(renderDemoPage({ maxN, authRequired: false, modelVersion: "v" })).toMatch(
        /id="n-number" name="n" type="number" min="1" max="100"/,
      );
    }
  });

  it("shows the key field only when auth is on", () => {
    expect(renderDemoPage({ maxN: 100, authRequired: true, modelVersion: "v" })).toContain(
      '<section id="key-section" class="panel" aria-labelledby="key-title">',
    );
    expect(renderDemoPage({ maxN: 100, authRequired: false, modelVersion: "v" })).toContain(
      '<section id="key-section" class="panel" aria-labelledby="key-title" hidden>',
    );
  });

  it("puts a given CSP nonce on its inline script and style, escaped", () => {
    const html = renderDemoPage({ maxN: 100, authRequired: false, modelVersion: "v", nonce: 'abc"def' });
    expect(html).toContain('<style nonce="abc&quot;def">');
    expect(html).toContain('<script nonce="abc&quot;def">');
    expect(renderDemoPage({ maxN: 100, authRequired: false, modelVersion: "v" })).not.toContain("nonce=");
  });

  it("loads nothing from another origin", () => {
    const html = renderDemoPage({ maxN: 100, authRequired: true, modelVersion: "20261126T164500Z-3fa2c1" });
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).not.toMatch(/@import|url\(/);
    expect(html).not.toMatch(/<script[^>]+src=|<link /);
  });

  it("ends each of its two scripts exactly once: the inlined code cannot close its tag early", () => {
    const html = renderDemoPage({ maxN: 100, authRequired: false, modelVersion: "v" });
    expect(html.match(/<\/script/gi)).toHaveLength(2);
    expect(html.trimEnd().endsWith("</script>\n</body>\n</html>")).toBe(true);
  });
});
