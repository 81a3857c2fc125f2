// The demo page's browser script as text, made from typed functions with toString(): the
// worker's bundler (wrangler's esbuild) compiles them from TypeScript with the rest of the
// worker, so there is no separate build step, and tsc checks them against the DOM types
// (tsconfig.json here).
// What serializing asks of every part:
// - each exported function is self-contained: it may import types only, and use nothing
//   declared outside its own body (module constants would be renamed or left behind by the
//   bundler); parts reach each other through startPage's argument;
// - wrangler.toml keeps esbuild's keep_names off: it would wrap inner functions in calls to a
//   bundle-level helper that the browser does not have.
// The browser tests run the page from wrangler's own bundle, so a break shows up there.
import { mountCampaign } from "./campaign.js";
import { mountCombobox } from "./combobox.js";
import { createKit } from "./kit.js";
import { type ClientParts, startPage } from "./page.js";

const parts: { [K in keyof ClientParts]: ClientParts[K] } = {
  createKit,
  mountCombobox,
  mountCampaign,
};

const partsSource = Object.entries(parts)
  .map(([name, fn]) => `${name}:${fn.toString()}`)
  .join(",");

/**
 * The page's one inline script. "</script" cannot occur outside a string or regex literal in
 * compiled code, and inside one "<\/" means the same, so escaping it keeps the tag closed.
 */
export const clientScript = `(${startPage.toString()})({${partsSource}});`.replace(/<\/(script)/gi, "<\\/$1");
