// Bundling stand-in for zod's index of ~50 error-message locales (about 150 KiB minified,
// a third of the worker bundle). Error messages here are English and never localized, so
// wrangler.toml's `alias` (and the Miniflare bundle in scripts/lib/worker-runtime.ts)
// point zod's `../locales/index.js` at this module, which keeps only `en`.
export { default as en } from "zod/v4/locales/en.js";
