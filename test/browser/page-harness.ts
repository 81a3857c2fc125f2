// What every browser test of the demo page shares: one Chromium, pages that fail the test on
// any script exception or console error the test did not provoke, the audience table as text
// and the axe-core audit.
import { createRequire } from "node:module";
import type { Browser, BrowserContext, Page, ViewportSize } from "playwright-core";
import { expect } from "vitest";
import { launchChromium } from "./chromium.js";

let browser: Browser | undefined;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];

export async function startBrowser(): Promise<void> {
  browser = await launchChromium();
}

export async function stopBrowser(): Promise<void> {
  await browser?.close();
}

/** For afterEach: closes the test's pages, then fails it on any error they logged. */
export async function closePages(): Promise<void> {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
  // An exception in the page's own script is a failure even when the page looked right.
  expect(pageErrors.splice(0)).toEqual([]);
}

export interface PageOptions {
  viewport?: ViewportSize;
  /** Only so the axe audit script can be injected; the page itself is unchanged. */
  bypassCSP?: boolean;
  /**
   * Console errors the test provokes on purpose, matched against "text @ url": Chromium reports
   * every API answer that is not 2xx as "Failed to load resource".
   */
  expectedErrors?: RegExp[];
  /** Runs before the page loads: routes the browser should answer itself, say. */
  prepare?: (page: Page) => Promise<void>;
}

/** Chromium's console line for an answer with one of these statuses from paths starting so. */
export function failedLoads(pathPattern: string, ...statuses: number[]): RegExp {
  return new RegExp(
    `^Failed to load resource: the server responded with a status of (${statuses.join("|")}) .* @ http://[^/]+${pathPattern}`,
  );
}

export const API_PATHS = "/(products|recommend|metrics|health)/?";

export async function openPage(base: URL, options: PageOptions = {}): Promise<Page> {
  if (!browser) throw new Error("startBrowser() first");
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1200, height: 900 },
    acceptDownloads: true,
    bypassCSP: options.bypassCSP ?? false,
  });
  contexts.push(context);
  const page = await context.newPage();
  page.on("pageerror", (err) => pageErrors.push(err.message));
  // A blocked inline script (CSP), a missing icon, a failed request nobody meant: all bugs.
  page.on("console", (msg) => {
    if (msg.type() !== "error") return;
    const line = `${msg.text()} @ ${msg.location().url}`;
    if (!options.expectedErrors?.some((pattern) => pattern.test(line))) pageErrors.push(line);
  });
  await options.prepare?.(page);
  const res = await page.goto(base.href);
  expect(res?.status()).toBe(200);
  expect(res?.headers()["content-type"]).toMatch(/^text\/html/);
  return page;
}

/** A table's rows as text, one array of cell texts per row (the audience table by default). */
export function tableRows(page: Page, rows = "#audience-rows tr"): Promise<string[][]> {
  // The callback runs in the page; the Node-side tsconfig has no DOM types, hence the casts.
  return page
    .locator(rows)
    .evaluateAll((found) =>
      found.map((row) =>
        Array.from(
          (row as unknown as { children: ArrayLike<{ textContent: string | null }> }).children,
          (cell) => (cell.textContent ?? "").trim(),
        ),
      ),
    );
}

export async function waitForRows(
  page: Page,
  count: number,
  rows = "#audience-rows tr",
): Promise<string[][]> {
  await expect.poll(() => page.locator(rows).count(), { timeout: 10_000 }).toBe(count);
  return tableRows(page, rows);
}

/** The part of HTMLImageElement the icon check uses (the Node-side tsconfig has no DOM types). */
export interface HTMLImageLike {
  src: string;
  naturalWidth: number;
  naturalHeight: number;
  decode(): Promise<void>;
}

const AXE_PATH = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

/** axe-core's WCAG 2.x A and AA rules (contrast, labels, names, roles) on the page as it is now. */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE_PATH });
  const violations = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: {
          run(
            o: unknown,
          ): Promise<{ violations: { id: string; help: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe;
    const result = await axe.run({
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
    });
    return result.violations.map(
      (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`,
    );
  });
  return violations;
}
