// The demo page in headless Chromium against the real worker on workerd (bundled as wrangler
// deploys it), serving a sample that the pipeline generated, built and published into a local
// KV. Expected audiences come from the API itself (the page must show what the API answers),
// expected words from the contract: the default variants and the fallback note. Any console
// error fails a test unless the test provokes it on purpose.
import { readFile, rm } from "node:fs/promises";
import type { Miniflare } from "miniflare";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { RecommendationResponse } from "../../worker/contract.js";
import {
  API_PATHS,
  accessibilityViolations,
  closePages,
  failedLoads,
  type HTMLImageLike,
  openPage,
  startBrowser,
  stopBrowser,
  waitForRows,
} from "./page-harness.js";
import { type PublishedSample, publishSample, serveEmpty, serveSample } from "./published-sample.js";

let sample: PublishedSample;
let open: { mf: Miniflare; url: URL };

beforeAll(async () => {
  // Chromium first: when it is missing, fail at once with the install hint.
  await startBrowser();
  sample = await publishSample();
  open = await serveSample(sample, "open");
});

afterAll(async () => {
  await stopBrowser();
  await open?.mf.dispose();
  if (sample) await rm(sample.dir, { recursive: true, force: true });
});

afterEach(closePages);

async function api<T>(base: URL, path: string, headers: Record<string, string> = {}): Promise<T> {
  const res = await fetch(new URL(path, base), { headers });
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

async function firstSampleId(page: Page): Promise<string> {
  const first = page.locator("#samples button").first();
  await first.waitFor();
  return (await first.textContent()) ?? "";
}

describe("the demo page, open API", () => {
  it("shows the live model, sample products and the API status", async () => {
    const page = await openPage(open.url);
    expect(await page.title()).toBe("Product audience explorer");
    // A budget, not a timing: the page ships, as the deployed bundle renders it, with every
    // browser visit to GET /.
    const html = await (await fetch(open.url, { headers: { Accept: "text/html" } })).text();
    expect(Buffer.byteLength(html)).toBeLessThan(40_000);
    expect(await page.locator("#model-version").textContent()).toBe(sample.version);

    const fromApi = await api<{ sample_products: (string | number)[] }>(open.url, "/products/sample?n=12");
    await page.locator("#samples button").first().waitFor();
    expect(await page.locator("#samples button").allTextContents()).toEqual(
      fromApi.sample_products.map(String),
    );

    // The contract's default variants are 5, 10, 20, 50, 100, so n goes up to 100.
    expect(await page.locator("#n-number").getAttribute("max")).toBe("100");
    expect(await page.locator("#n-range").getAttribute("max")).toBe("100");

    await expect.poll(() => page.locator("#health").textContent()).toContain("healthy");
    expect(await page.locator("#health").textContent()).toContain(sample.version);
    await expect.poll(() => page.locator("#metrics").textContent()).toContain("5, 10, 20, 50, 100");
  });

  it("serves its icon, so a visit logs no 404", async () => {
    const res = await fetch(new URL("/favicon.ico", open.url));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/x-icon");
    const page = await openPage(open.url);
    // Chromium decodes it as a 16x16 image (an undecodable icon would reject here).
    const size = await page.evaluate(async () => {
      const img = new (globalThis as unknown as { Image: new () => HTMLImageLike }).Image();
      img.src = "/favicon.ico";
      await img.decode();
      return [img.naturalWidth, img.naturalHeight];
    });
    expect(size).toEqual([16, 16]);
  });

  it("shows a picked sample product's audience, and n sets the number of rows", async () => {
    const page = await openPage(open.url);
    const id = await firstSampleId(page);
    await page.locator("#samples button").first().click();

    const expected = await api<RecommendationResponse>(open.url, `/recommend/${id}?n=10`);
    expect(expected.count).toBe(10);
    const rows = await waitForRows(page, 10);
    expect(rows.map((r) => r[0])).toEqual(["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]);
    expect(rows.map((r) => r[1])).toEqual(expected.recommendations.map((r) => String(r.customer_id)));
    expect(await page.locator("#samples button").first().getAttribute("aria-pressed")).toBe("true");
    expect(await page.locator("#fallback").isVisible()).toBe(false);
    expect(await page.locator("#meta-version").textContent()).toBe(sample.version);
    expect(await page.locator("#meta-generated time").getAttribute("datetime")).toBe(expected.generated_at);
    // The best score fills its bar; the others are shorter or equal.
    const widths = await page
      .locator("#audience-rows .bar")
      .evaluateAll((bars) => bars.map((b) => (b as unknown as { style: { width: string } }).style.width));
    expect(parseFloat(widths[0])).toBe(100);
    expect(widths.map(parseFloat).every((w, i, all) => i === 0 || w <= all[i - 1])).toBe(true);

    // Typing a number and pressing Enter...
    await page.locator("#n-number").fill("7");
    await page.locator("#n-number").press("Enter");
    await waitForRows(page, 7);
    expect(await page.locator("#n-range").inputValue()).toBe("7");

    // ...and the slider by keyboard: four steps down from 7 is 3.
    await page.locator("#n-range").focus();
    for (let i = 0; i < 4; i++) await page.keyboard.press("ArrowLeft");
    const three = await waitForRows(page, 3);
    expect(await page.locator("#n-number").inputValue()).toBe("3");
    expect(three.map((r) => r[1])).toEqual(
      expected.recommendations.slice(0, 3).map((r) => String(r.customer_id)),
    );
    expect(new URL(page.url()).hash).toBe(`#product=${id}&n=3`);
  });

  it("downloads the shown audience as a CSV file", async () => {
    const page = await openPage(open.url);
    const id = await firstSampleId(page);
    await page.locator("#product-id").fill(id);
    await page.locator("#n-number").fill("5");
    await page.locator("#n-number").press("Enter");
    const rows = await waitForRows(page, 5);

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.locator("#download-csv").click(),
    ]);
    expect(download.suggestedFilename()).toBe(`audience-${id}-n5.csv`);
    const lines = (await readFile(await download.path(), "utf8")).trim().split(/\r?\n/);
    expect(lines[0]).toBe("customer_id,score,rank");
    expect(lines).toHaveLength(6);
    const cells = lines.slice(1).map((line) => line.split(","));
    expect(cells.map((c) => c[0])).toEqual(rows.map((r) => r[1]));
    expect(cells.map((c) => c[2])).toEqual(["1", "2", "3", "4", "5"]);
    await expect
      .poll(() => page.locator("#action-state").textContent())
      .toBe(`Downloaded audience-${id}-n5.csv.`);
  });

  it("copies the shown customer ids, one per line", async () => {
    const page = await openPage(open.url);
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: open.url.origin });
    await firstSampleId(page);
    await page.locator("#samples button").nth(1).click();
    const rows = await waitForRows(page, 10);
    await page.locator("#copy-ids").click();
    await expect
      .poll(() => page.locator("#action-state").textContent())
      .toBe("Copied 10 customer ids to the clipboard, one per line.");
    const copied = await page.evaluate(() =>
      (
        globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }
      ).navigator.clipboard.readText(),
    );
    expect(copied).toBe(rows.map((r) => r[1]).join("\n"));
  });

  it("marks an unknown product's answer as the fallback audience", async () => {
    const page = await openPage(open.url);
    await page.locator("#product-id").fill("brand-new-product-0001");
    await page.locator("#product-id").press("Enter");
    await waitForRows(page, 10);
    const notice = page.locator("#fallback");
    expect(await notice.isVisible()).toBe(true);
    expect(await notice.textContent()).toContain("Fallback audience");
    // The worker's note for a product the build never saw (contract.ts NOTES.fallback).
    expect(await page.locator("#fallback-note").textContent()).toMatch(/^New product: .*fallback/);
    expect(await page.locator("#summary").textContent()).toBe(
      "Fallback audience for product brand-new-product-0001: the top 10 customers overall, because the model has not seen this product.",
    );
  });

  it("explains bad input and API failures in words, never raw JSON", async () => {
    const page = await openPage(open.url, {
      expectedErrors: [
        failedLoads("/recommend/", 422, 429, 500, 503),
        /^Failed to load resource: net::ERR_CONNECTION_REFUSED @ http:\/\/[^/]+\/recommend\//,
      ],
    });
    const error = page.locator("#error");

    await page.locator("#product-id").fill("not an id!");
    await page.locator("#product-id").press("Enter");
    expect(await error.textContent()).toBe(
      "A product id is 1 to 64 letters, digits, dots, dashes or underscores.",
    );

    await page.locator("#product-id").fill("p1");
    await page.locator("#n-number").fill("101");
    await page.locator("#n-number").press("Enter");
    expect(await error.textContent()).toBe("The audience size must be a whole number from 1 to 100.");
    await page.locator("#n-number").fill("10");

    // Failures the real worker will not produce on demand are played by the browser's router.
    const cases: { status: number; headers?: Record<string, string>; body: string; words: string }[] = [
      {
        status: 429,
        headers: { "Retry-After": "7" },
        body: '{"error":{"code":"rate_limited","message":"Rate limit exceeded"}}',
        words: "Too many requests right now. Try again in 7 seconds.",
      },
      {
        status: 503,
        headers: { "Retry-After": "60" },
        body: '{"error":{"code":"no_model","message":"No audience model is published yet."}}',
        words: "The API is unavailable: No audience model is published yet. Try again in 60 seconds.",
      },
      {
        status: 422,
        body: '{"error":{"code":"invalid_n","message":"n must be an integer from 1 to 100"}}',
        words: "The API did not accept that input: n must be an integer from 1 to 100.",
      },
      {
        status: 500,
        body: "<html><body>upstream exploded</body></html>",
        words: "The API had an internal problem (status 500). Try again shortly.",
      },
      {
        status: 200,
        body: "<html>not json</html>",
        words: "The API sent an answer this page could not read.",
      },
    ];
    for (const c of cases) {
      await page.route("**/recommend/**", (route) =>
        route.fulfill({
          status: c.status,
          headers: c.headers,
          contentType: "application/json",
          body: c.body,
        }),
      );
      await page.locator("#product-id").press("Enter");
      await expect.poll(() => error.textContent()).toBe(c.words);
      expect(await page.locator("#audience").isVisible()).toBe(false);
      await page.unroute("**/recommend/**");
    }

    await page.route("**/recommend/**", (route) => route.abort("connectionrefused"));
    await page.locator("#product-id").press("Enter");
    await expect
      .poll(() => error.textContent())
      .toBe("Could not reach the API. Check the connection and try again.");
  });

  it("puts API values into the page as text, never as markup", async () => {
    const page = await openPage(open.url);
    const hostile = '<img src=x onerror="globalThis.pwned=1">';
    await page.route("**/recommend/**", (route) =>
      route.fulfill({
        contentType: "application/json",
        body: JSON.stringify({
          product_id: "p1",
          recommendations: [{ customer_id: hostile, score: 1, rank: 1 }],
          count: 1,
          model_version: "<b>v</b>",
          generated_at: "2026-11-26T16:45:00Z",
          fallback: true,
          note: "<i>note</i>",
        }),
      }),
    );
    await page.locator("#product-id").fill("p1");
    await page.locator("#product-id").press("Enter");
    const rows = await waitForRows(page, 1);
    expect(rows[0][1]).toBe(hostile);
    expect(await page.locator("#fallback-note").textContent()).toBe("<i>note</i>");
    expect(await page.locator("#meta-version").textContent()).toBe("<b>v</b>");
    expect(await page.locator("#results img, #results b, #results i").count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as { pwned?: number }).pwned)).toBeUndefined();
  });

  it("works from the keyboard with a visible focus ring", async () => {
    const page = await openPage(open.url);
    const id = await firstSampleId(page);
    let focused = "";
    for (let i = 0; i < 40 && focused !== id; i++) {
      await page.keyboard.press("Tab");
      focused = await page.evaluate(() => {
        const active = (
          globalThis as unknown as {
            document: { activeElement: { tagName: string; textContent: string | null } | null };
          }
        ).document.activeElement;
        return active?.tagName === "BUTTON" ? (active.textContent ?? "") : "";
      });
    }
    expect(focused).toBe(id);
    const outline = await page
      .locator("#samples button")
      .first()
      .evaluate((b) => {
        const style = (
          globalThis as unknown as {
            getComputedStyle(e: unknown): { outlineStyle: string; outlineWidth: string };
          }
        ).getComputedStyle(b);
        return `${style.outlineStyle} ${style.outlineWidth}`;
      });
    expect(outline).toBe("solid 3px");
    await page.keyboard.press("Enter");
    await waitForRows(page, 10);
  });

  it("passes axe-core's WCAG A/AA checks with an audience and the fallback notice on screen", async () => {
    // bypassCSP only so the audit script can be injected; the page itself is unchanged.
    const page = await openPage(open.url, { bypassCSP: true });
    await firstSampleId(page);
    await page.locator("#product-id").fill("brand-new-product-0001");
    await page.locator("#product-id").press("Enter");
    await waitForRows(page, 10);
    await page.locator("#health dd").first().waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it("fits a phone screen without sideways scrolling", async () => {
    const page = await openPage(open.url, { viewport: { width: 360, height: 740 } });
    await firstSampleId(page);
    await page.locator("#samples button").first().click();
    await waitForRows(page, 10);
    const widths = await page.evaluate(() => {
      const doc = (
        globalThis as unknown as {
          document: { documentElement: { scrollWidth: number; clientWidth: number } };
        }
      ).document;
      return [doc.documentElement.scrollWidth, doc.documentElement.clientWidth];
    });
    expect(widths[0]).toBeLessThanOrEqual(widths[1]);
    // Touch targets: at least 44 CSS pixels high (WCAG 2.5.5).
    for (const selector of [
      "#query-form button[type=submit]",
      "#download-csv",
      "#n-number",
      "#product-id",
      "#samples button >> nth=0",
    ]) {
      const box = await page.locator(selector).boundingBox();
      expect(box?.height, selector).toBeGreaterThanOrEqual(44);
    }
  });
});

describe("the demo page, API keys on", () => {
  let secured: { mf: Miniflare; url: URL };

  beforeAll(async () => {
    secured = await serveSample(sample, "auth", { API_KEYS: "key-one,key-two" });
  });
  afterAll(async () => {
    await secured?.mf.dispose();
  });

  it("serves the page and its icon without a key", async () => {
    for (const path of ["/", "/favicon.ico"]) {
      const res = await fetch(new URL(path, secured.url), { headers: { Accept: "text/html" } });
      expect(res.status, path).toBe(200);
    }
  });

  it("asks for a key, sends it as X-API-Key, and keeps it in sessionStorage only", async () => {
    const page = await openPage(secured.url, { expectedErrors: [failedLoads(API_PATHS, 401)] });
    const keyField = page.getByRole("textbox", { name: "API key" });
    expect(await keyField.isVisible()).toBe(true);
    expect(await page.locator("#samples-state").textContent()).toBe(
      "Enter the API key above to load sample products.",
    );

    // Asking before a key is set: told so, and sent to the key field.
    await page.locator("#product-id").fill("brand-new-product-0001");
    await page.locator("#product-id").press("Enter");
    await expect
      .poll(() => page.locator("#error").textContent())
      .toBe("This API needs a key. Enter it in the API key box.");
    expect(
      await page.evaluate(
        () =>
          (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document
            .activeElement?.id,
      ),
    ).toBe("api-key");

    await keyField.fill("not-a-key");
    await keyField.press("Enter");
    await expect
      .poll(() => page.locator("#samples-state").textContent())
      .toBe("The API key was not accepted. Check it in the API key box and try again.");
    await expect
      .poll(() => page.locator("#error").textContent())
      .toBe("The API key was not accepted. Check it in the API key box and try again.");

    const sentKeys: (string | undefined)[] = [];
    page.on("request", (req) => {
      if (new URL(req.url()).pathname.startsWith("/products/")) sentKeys.push(req.headers()["x-api-key"]);
    });
    await keyField.fill("key-two");
    await keyField.press("Enter");
    await page.locator("#samples button").first().waitFor();
    expect(sentKeys).toEqual(["key-two"]);
    // The audience asked for before the key arrives without asking again.
    await waitForRows(page, 10);
    expect(await page.locator("#fallback").isVisible()).toBe(true);
    const stored = await page.evaluate(() => {
      const g = globalThis as unknown as {
        sessionStorage: { getItem(k: string): string | null };
        localStorage: { length: number };
      };
      return { tab: g.sessionStorage.getItem("product-audience.api-key"), local: g.localStorage.length };
    });
    expect(stored).toEqual({ tab: "key-two", local: 0 });
    await page.locator("#samples button").first().click();
    await waitForRows(page, 10);

    // A reload in the same tab keeps the key; "Forget key" drops it.
    await page.reload();
    await page.locator("#samples button").first().waitFor();
    await page.locator("#key-forget").click();
    expect(
      await page.evaluate(
        () => (globalThis as unknown as { sessionStorage: { length: number } }).sessionStorage.length,
      ),
    ).toBe(0);
  });

  it("passes axe-core's WCAG A/AA checks at phone width with the key prompt and an error shown", async () => {
    const page = await openPage(secured.url, {
      viewport: { width: 360, height: 740 },
      bypassCSP: true,
      expectedErrors: [failedLoads(API_PATHS, 401)],
    });
    await page.locator("#product-id").fill("p1");
    await page.locator("#product-id").press("Enter");
    await expect
      .poll(() => page.locator("#error").textContent())
      .toBe("This API needs a key. Enter it in the API key box.");
    expect(await accessibilityViolations(page)).toEqual([]);
  });
});

describe("the demo page before anything is published", () => {
  let empty: { mf: Miniflare; url: URL };

  beforeAll(async () => {
    empty = await serveEmpty(sample.dir);
  });
  afterAll(async () => {
    await empty?.mf.dispose();
  });

  it("says so in words in every part of the page", async () => {
    const page = await openPage(empty.url, { expectedErrors: [failedLoads(API_PATHS, 503)] });
    expect(await page.locator("#model-version").textContent()).toBe("none published yet");
    await expect
      .poll(() => page.locator("#samples-state").textContent())
      .toMatch(/^The API is unavailable: No audience model is published yet\. Try again in \d+ seconds\.$/);
    await expect
      .poll(() => page.locator("#health-state").textContent())
      .toMatch(/^The API is unavailable: no model has been published\. Try again in \d+ seconds\.$/);
    expect(await page.locator("#health .badge").textContent()).toBe("unhealthy");
    await page.locator("#product-id").fill("p1");
    await page.locator("#product-id").press("Enter");
    await expect
      .poll(() => page.locator("#error").textContent())
      .toMatch(/^The API is unavailable: No audience model is published yet\./);
    expect(await page.locator("body").textContent()).not.toContain('{"error"');
  });
});
