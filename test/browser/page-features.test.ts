// The demo page's name search, reasons, audience kinds and campaign view in headless Chromium.
// The page comes from the real worker; the routes these views call are answered by the
// browser's router with the contract's JSON shapes (names with commas, quotes, emoji and
// non-Latin letters included), and also with 404, as a deployment without them answers.
import { readFile, rm } from "node:fs/promises";
import type { Miniflare } from "miniflare";
import type { Page, Route } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  accessibilityViolations,
  closePages,
  failedLoads,
  openPage,
  startBrowser,
  stopBrowser,
  tableRows,
  waitForRows,
} from "./page-harness.js";
import { type PublishedSample, publishSample, serveSample } from "./published-sample.js";

let sample: PublishedSample;
let worker: { mf: Miniflare; url: URL };

beforeAll(async () => {
  await startBrowser();
  sample = await publishSample();
  worker = await serveSample(sample, "features");
});

afterAll(async () => {
  await stopBrowser();
  await worker?.mf.dispose();
  if (sample) await rm(sample.dir, { recursive: true, force: true });
});

afterEach(closePages);

const BLENDER = 'Acme Rocket 2 blender, 1.5 L "Pro"';
const TEA = "Thé vert 抹茶 🍵";
const SEARCH_ANSWER = {
  query: "ac",
  results: [
    { product_id: 109176, product_name: BLENDER, customers: 41 },
    { product_id: "tea-7", product_name: TEA, customers: 12 },
  ],
  count: 2,
};

function recommendAnswer(productId: string | number, productName: string) {
  return {
    product_id: productId,
    product_name: productName,
    recommendations: [
      {
        customer_id: 5001,
        score: 0.91,
        rank: 1,
        reason: {
          kind: "similar_product",
          product_id: 109175,
          product_name: "Acme Rocket 1",
          text: "Carted Acme Rocket 1, often bought with this",
        },
      },
      {
        customer_id: 5002,
        score: 0.5,
        rank: 2,
        reason: {
          kind: "shared_words",
          words: ["acme", "rocket"],
          text: 'Bought products named "acme rocket"',
        },
      },
      {
        customer_id: 5003,
        score: 0.25,
        rank: 3,
        reason: { kind: "engaged", text: "One of the most engaged customers" },
      },
    ],
    count: 3,
    model_version: sample.version,
    generated_at: "2026-11-26T16:45:00Z",
    fallback: false,
  };
}

/** The parts of an OpenAPI description the page reads to know what a deployment offers. */
function describedApi(offers: { search: boolean; retarget: boolean }) {
  const paths: Record<string, unknown> = {
    "/recommend/{productId}": {
      get: {
        parameters: [{ name: "n" }, { name: "format" }, ...(offers.retarget ? [{ name: "audience" }] : [])],
      },
    },
    "/audience": { get: { parameters: [{ name: "products" }] } },
  };
  if (offers.search) paths["/products/search"] = { get: { parameters: [{ name: "q" }, { name: "limit" }] } };
  return { openapi: "3.1.0", paths };
}

/** Opens the page on a deployment whose description lists search and retarget (or not). */
function openDescribed(
  options: { search?: boolean; retarget?: boolean; expectedErrors?: RegExp[]; bypassCSP?: boolean } = {},
) {
  const offers = { search: options.search ?? true, retarget: options.retarget ?? true };
  return openPage(worker.url, {
    expectedErrors: options.expectedErrors,
    bypassCSP: options.bypassCSP,
    prepare: async (page) => {
      await page.route(
        (url) => url.pathname === "/openapi.json",
        (route) => json(route, describedApi(offers)),
      );
    },
  });
}

const json = (route: Route, body: unknown, status = 200) =>
  route.fulfill({ status, contentType: "application/json", body: JSON.stringify(body) });

const notFound = (route: Route) =>
  json(
    route,
    { error: { code: "not_found", message: `No route for GET ${new URL(route.request().url()).pathname}` } },
    404,
  );

/** Answers one path in the browser; returns the URLs the page asked for there, in order. */
async function recordCalls(
  page: Page,
  pathname: string,
  answer: (route: Route, url: URL) => Promise<void>,
): Promise<URL[]> {
  const calls: URL[] = [];
  await page.route(
    (url) => url.pathname === pathname,
    (route) => {
      const url = new URL(route.request().url());
      calls.push(url);
      return answer(route, url);
    },
  );
  return calls;
}

const activeId = (page: Page) =>
  page.evaluate(
    () =>
      (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement
        ?.id,
  );

describe("the product field as a combobox", () => {
  it("finds products by name, chooses one by keyboard, and shows its name, reasons and ids", async () => {
    const page = await openDescribed();
    const searches = await recordCalls(page, "/products/search", (route) => json(route, SEARCH_ANSWER));
    const audiences = await recordCalls(page, "/recommend/tea-7", (route) =>
      json(route, recommendAnswer("tea-7", TEA)),
    );

    const field = page.getByRole("combobox", { name: "Product", exact: true });
    await field.fill("ac");
    const options = page.getByRole("listbox", { name: "Matching products" }).getByRole("option");
    await expect.poll(() => options.count()).toBe(2);
    expect(await field.getAttribute("aria-expanded")).toBe("true");
    expect(await options.nth(0).textContent()).toBe(`${BLENDER}109176`);
    expect(await options.nth(1).textContent()).toBe(`${TEA}tea-7`);
    expect(searches.at(-1)?.searchParams.get("q")).toBe("ac");
    expect(searches.at(-1)?.searchParams.get("limit")).toBe("8");
    await expect.poll(() => page.locator("#product-search-state").textContent()).toMatch(/^2 products match/);

    // Down, down, up, down: the second option, announced through aria-activedescendant.
    for (const key of ["ArrowDown", "ArrowDown", "ArrowUp", "ArrowDown"]) await field.press(key);
    const second = await options.nth(1).getAttribute("id");
    expect(await field.getAttribute("aria-activedescendant")).toBe(second);
    expect(await options.nth(1).getAttribute("aria-selected")).toBe("true");
    expect(await options.nth(0).getAttribute("aria-selected")).toBe("false");
    expect(await activeId(page)).toBe("product-id");

    await field.press("Enter");
    expect(await field.inputValue()).toBe("tea-7");
    expect(await field.getAttribute("aria-expanded")).toBe("false");
    expect(await page.locator("#product-options").isVisible()).toBe(false);

    const rows = await waitForRows(page, 3);
    expect(await page.locator("#results-title").textContent()).toBe(TEA);
    expect(await page.locator("#reason-col").isVisible()).toBe(true);
    expect(rows.map((r) => [r[0], r[1], r[3]])).toEqual([
      ["1", "5001", "Carted Acme Rocket 1, often bought with this"],
      ["2", "5002", 'Bought products named "acme rocket"'],
      ["3", "5003", "One of the most engaged customers"],
    ]);
    expect(audiences).toHaveLength(1);
    expect(audiences[0].searchParams.get("explain")).toBe("true");
    expect(audiences[0].searchParams.get("n")).toBe("10");
    expect(audiences[0].searchParams.has("audience")).toBe(false);

    // Copy ids still gives the ids alone.
    await page
      .context()
      .grantPermissions(["clipboard-read", "clipboard-write"], { origin: worker.url.origin });
    await page.locator("#copy-ids").click();
    const copied = await page.evaluate(() =>
      (
        globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }
      ).navigator.clipboard.readText(),
    );
    expect(copied).toBe("5001\n5002\n5003");
  });

  it("closes the list with Escape, clears with a second Escape, and keeps a typed id on Enter", async () => {
    const page = await openDescribed();
    await recordCalls(page, "/products/search", (route) => json(route, SEARCH_ANSWER));
    const field = page.getByRole("combobox", { name: "Product", exact: true });
    await field.fill("ac");
    await expect.poll(() => field.getAttribute("aria-expanded")).toBe("true");
    await field.press("Escape");
    expect(await field.getAttribute("aria-expanded")).toBe("false");
    expect(await field.inputValue()).toBe("ac");
    await field.press("Escape");
    expect(await field.inputValue()).toBe("");

    // Nothing highlighted: Enter asks for what was typed, as an id (the real worker answers).
    const id = await page.locator("#samples button").first().textContent();
    await field.fill(id ?? "");
    await expect.poll(() => field.getAttribute("aria-expanded")).toBe("true");
    await field.press("Enter");
    const rows = await waitForRows(page, 10);
    const fromApi = (await (await fetch(new URL(`/recommend/${id}?n=10`, worker.url))).json()) as {
      recommendations: { customer_id: string | number }[];
    };
    expect(rows.map((r) => r[1])).toEqual(fromApi.recommendations.map((r) => String(r.customer_id)));
    // The deployed worker sends no reasons yet, or does: either way the table says the same.
    expect(await page.locator("#reason-col").isVisible()).toBe(rows[0].length === 4);
  });

  it("falls back to typing an id when the API has no search (404)", async () => {
    const page = await openDescribed({ expectedErrors: [failedLoads("/products/search", 404)] });
    await recordCalls(page, "/products/search", notFound);
    const field = page.getByRole("combobox", { name: "Product", exact: true });
    const id = (await page.locator("#samples button").first().textContent()) ?? "";
    await field.fill(id);
    await expect
      .poll(() => page.locator("#product-help").textContent())
      .toBe(
        "This API has no name search: enter a product id (letters, digits, dots, dashes or underscores).",
      );
    expect(await field.getAttribute("aria-expanded")).toBe("false");
    expect(await page.locator("#error").isVisible()).toBe(false);
    await field.press("Enter");
    await waitForRows(page, 10);
    // The heading is the product's name when the deployed worker sends one.
    const answer = (await (await fetch(new URL(`/recommend/${id}?n=10`, worker.url))).json()) as {
      product_name?: string | null;
    };
    expect(await page.locator("#results-title").textContent()).toBe(answer.product_name ?? "Audience");
  });
});

describe("prospects or retarget", () => {
  it("asks for audience=retarget, says what the list is, and downloads it under that name", async () => {
    const page = await openDescribed({ search: false });
    const calls = await recordCalls(page, "/recommend/109176", (route, url) =>
      url.searchParams.get("format") === "csv"
        ? route.fulfill({
            contentType: "text/csv; charset=utf-8",
            body: "customer_id,score,rank\n5001,1,1\n",
          })
        : json(route, recommendAnswer(109176, BLENDER)),
    );
    const retarget = page.getByRole("radio", { name: /^Retarget/ });
    expect(await retarget.isEnabled()).toBe(true);
    await retarget.check();
    await page.getByRole("combobox", { name: "Product", exact: true }).fill("109176");
    await page.getByRole("combobox", { name: "Product", exact: true }).press("Enter");
    await waitForRows(page, 3);
    expect(calls.at(-1)?.searchParams.get("audience")).toBe("retarget");
    expect(await page.locator("#summary").textContent()).toBe(
      "3 customers to win back for product 109176: they carted or wishlisted it and never bought it, newest first.",
    );
    expect(new URL(page.url()).hash).toBe("#product=109176&n=10&audience=retarget");

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.locator("#download-csv").click(),
    ]);
    expect(download.suggestedFilename()).toBe("retarget-109176-n10.csv");
    expect(calls.at(-1)?.searchParams.get("audience")).toBe("retarget");
    expect(calls.at(-1)?.searchParams.has("explain")).toBe(false);

    // Back to prospects: the audience is asked for again, without the parameter.
    await page.getByRole("radio", { name: /^Prospects/ }).check();
    await expect.poll(() => calls.length).toBe(3);
    expect(calls[2].searchParams.has("audience")).toBe(false);
  });

  it("offers retarget only when the API describes it", async () => {
    const page = await openDescribed({ retarget: false });
    await expect.poll(() => page.getByRole("radio", { name: /^Retarget/ }).isDisabled()).toBe(true);
    expect(await page.locator("#kind-help").textContent()).toBe(
      "This API does not offer retarget audiences yet.",
    );
  });
});

describe("the campaign view", () => {
  const campaignAnswer = {
    campaign: "spring-blenders",
    product_ids: [109176, "tea-7", "p-404"],
    recommendations: [
      { customer_id: 7001, score: 0.93, rank: 1, product_id: "tea-7", holdout: false },
      { customer_id: 7002, score: 0.8, rank: 2, product_id: 109176, holdout: true },
      { customer_id: 7003, score: 0.61, rank: 3, product_id: 109176, holdout: false },
    ],
    count: 3,
    targeted: 2,
    holdout: 1,
    unknown_products: ["p-404"],
    model_version: "20261126T164500Z-3fa2c1",
    generated_at: "2026-11-26T16:45:00Z",
    fallback: false,
  };
  const CSV =
    "customer_id,score,rank,product_id,holdout\n7001,0.93,1,tea-7,false\n7002,0.8,2,109176,true\n7003,0.61,3,109176,false\n";

  it("adds products by name and by id, builds the merged audience with holdout flags, and downloads it", async () => {
    const page = await openDescribed();
    await recordCalls(page, "/products/search", (route) => json(route, SEARCH_ANSWER));
    const calls = await recordCalls(page, "/audience", (route, url) =>
      url.searchParams.get("format") === "csv"
        ? route.fulfill({ contentType: "text/csv; charset=utf-8", body: CSV })
        : json(route, campaignAnswer),
    );

    const add = page.getByRole("combobox", { name: "Add a product" });
    await add.fill("ac");
    await expect.poll(() => add.getAttribute("aria-expanded")).toBe("true");
    await add.press("ArrowDown");
    await add.press("Enter");
    await add.fill("tea-7, p-404 wrong!id");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    expect(await page.locator("#campaign-error").textContent()).toBe(
      '"wrong!id" is not a product id: 1 to 64 letters, digits, dots, dashes or underscores.',
    );
    await add.fill("tea-7, p-404");
    await add.press("Enter");
    const products = page.getByRole("list", { name: "Products in the campaign" }).getByRole("listitem");
    expect(await products.allTextContents()).toEqual([
      `${BLENDER} (109176)Remove`,
      "tea-7Remove",
      "p-404Remove",
    ]);

    await page.locator("#campaign-n").fill("5");
    await page.getByLabel("Holdout share (%)").fill("12.5");
    await page.getByLabel("Campaign name (optional)").fill("spring-blenders");
    await page.getByRole("button", { name: "Build the campaign audience" }).click();
    const rows = await waitForRows(page, 3, "#campaign-rows tr");
    const asked = calls[0];
    expect(asked.searchParams.get("products")).toBe("109176,tea-7,p-404");
    expect(asked.searchParams.get("n")).toBe("5");
    expect(asked.searchParams.get("holdout_pct")).toBe("12.5");
    expect(asked.searchParams.get("campaign")).toBe("spring-blenders");
    expect(rows.map((r) => [r[0], r[1], r[3], r[4]])).toEqual([
      ["1", "7001", "tea-7", "Targeted"],
      ["2", "7002", `${BLENDER} (109176)`, "Holdout"],
      ["3", "7003", `${BLENDER} (109176)`, "Targeted"],
    ]);
    expect(await page.locator("#campaign-summary").textContent()).toBe(
      "3 customers for campaign spring-blenders: 2 targeted, 1 held out. Unknown to the model, so they add no one: p-404. These products' audiences hold only 3 customers.",
    );

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.locator("#campaign-csv").click(),
    ]);
    expect(download.suggestedFilename()).toBe("campaign-spring-blenders-n5.csv");
    expect(await readFile(await download.path(), "utf8")).toBe(CSV);
    expect(calls.at(-1)?.searchParams.get("format")).toBe("csv");
    expect(calls.at(-1)?.searchParams.get("products")).toBe("109176,tea-7,p-404");

    // Removing a product by its button.
    await page.getByRole("button", { name: "Remove p-404" }).click();
    expect(await products.count()).toBe(2);
  });

  it("refuses bad input before asking, and says so when the API has no campaign route (404)", async () => {
    const page = await openDescribed({ search: false, expectedErrors: [failedLoads("/audience", 404)] });
    const searches = await recordCalls(page, "/products/search", notFound);
    const calls = await recordCalls(page, "/audience", notFound);
    // A description without search: the field takes ids, and search is never asked.
    await expect
      .poll(() => page.locator("#campaign-product-help").textContent())
      .toBe("This API has no name search: type one or more product ids, separated by commas.");
    const error = page.locator("#campaign-error");
    const build = page.getByRole("button", { name: "Build the campaign audience" });
    await build.click();
    expect(await error.textContent()).toBe("Add at least one product to the campaign.");
    await page.getByRole("combobox", { name: "Add a product" }).fill("p1");
    await page.getByRole("combobox", { name: "Add a product" }).press("Enter");
    await page.getByLabel("Holdout share (%)").fill("60");
    await build.click();
    expect(await error.textContent()).toBe("The holdout share must be a number from 0 to 50 (percent).");
    await page.getByLabel("Holdout share (%)").fill("0");
    await page.locator("#campaign-n").fill("1001");
    await build.click();
    expect(await error.textContent()).toBe("The audience size must be a whole number from 1 to 1000.");
    expect(calls).toHaveLength(0);
    await page.locator("#campaign-n").fill("100");
    await build.click();
    await expect
      .poll(() => error.textContent())
      .toBe(
        "This API does not offer campaign audiences yet (GET /audience answered 404); a newer deployment does.",
      );
    expect(await page.locator("#campaign-table").isVisible()).toBe(false);
    expect(searches).toHaveLength(0);
  });

  it("passes axe-core's WCAG A/AA checks with the name list open and a campaign shown", async () => {
    const page = await openDescribed({ bypassCSP: true });
    await recordCalls(page, "/products/search", (route) => json(route, SEARCH_ANSWER));
    await recordCalls(page, "/audience", (route) => json(route, campaignAnswer));
    const add = page.getByRole("combobox", { name: "Add a product" });
    await add.fill("109176");
    await add.press("Enter");
    await page.getByRole("button", { name: "Build the campaign audience" }).click();
    await waitForRows(page, 3, "#campaign-rows tr");
    await page.getByRole("combobox", { name: "Product", exact: true }).fill("ac");
    await expect
      .poll(() => page.getByRole("combobox", { name: "Product", exact: true }).getAttribute("aria-expanded"))
      .toBe("true");
    await page.getByRole("combobox", { name: "Product", exact: true }).press("ArrowDown");
    await page.locator("#health dd").first().waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(await tableRows(page, "#campaign-rows tr")).toHaveLength(3);
  });
});
