// Launches Debian's Chromium through playwright-core (no browser download: the registry's
// Chromium builds are not reachable here). A missing binary is a hard, explained failure,
// never a silent skip: the browser tests are the only check of the page's script.
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

export const CHROMIUM_PATH = "/usr/bin/chromium";

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-quic",
  "--no-first-run",
  "--disable-sync",
];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM_PATH}; the browser tests need it. Install it with ` +
        "`apt-get update && apt-get install -y chromium` (.ci/run does this in CI).",
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: FLAGS });
}
