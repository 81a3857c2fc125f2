// Regenerates docs/demo-page.png: the demo page at desktop and at phone width, side by side,
// served by the real worker over a freshly published sample. Run by hand after changing the
// page (it is not a test): `npx tsx test/browser/screenshot.ts [out.png]`.
import { rm, writeFile } from "node:fs/promises";
import { launchChromium } from "./chromium.js";
import { publishSample, serveSample } from "./published-sample.js";

const OUT = process.argv[2] ?? "docs/demo-page.png";

async function main(): Promise<void> {
  const browser = await launchChromium();
  const sample = await publishSample(1500, 3);
  const { mf, url } = await serveSample(sample, "shot");
  try {
    const desktop = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await desktop.goto(url.href);
    await desktop.locator("#samples button").nth(2).click();
    await desktop.locator("#audience-rows tr").nth(9).waitFor();
    await desktop.locator("#health dd").first().waitFor();
    await desktop.locator("#metrics dd").first().waitFor();
    const wide = await desktop.screenshot({ fullPage: true });

    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
    await phone.goto(url.href);
    await phone.locator("#samples button").nth(2).click();
    await phone.locator("#audience-rows tr").nth(9).waitFor();
    await phone
      .locator("#results")
      .evaluate((el) => (el as unknown as { scrollIntoView(): void }).scrollIntoView());
    const narrow = await phone.screenshot();

    // Compose both in the same browser: one PNG for the README, nothing else to install.
    const sheet = await browser.newPage({ viewport: { width: 1760, height: 900 } });
    const img = (png: Buffer, width: number) =>
      `<img width="${width}" src="data:image/png;base64,${png.toString("base64")}">`;
    await sheet.setContent(
      `<body style="margin:0;padding:24px;background:#d9dee7;display:flex;gap:24px;align-items:flex-start">` +
        `<figure style="margin:0;box-shadow:0 2px 8px #0003">${img(wide, 1280)}</figure>` +
        `<figure style="margin:0;box-shadow:0 2px 8px #0003;border-radius:18px;overflow:hidden">${img(narrow, 390)}</figure></body>`,
    );
    await sheet
      .locator("img")
      .nth(1)
      .evaluate((el) => (el as unknown as { decode(): Promise<void> }).decode());
    await writeFile(OUT, await sheet.screenshot({ fullPage: true }));
    process.stdout.write(`wrote ${OUT} (model ${sample.version})\n`);
  } finally {
    await browser.close();
    await mf.dispose();
    await rm(sample.dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`screenshot: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
