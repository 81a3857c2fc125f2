// Renders vega-lite specs to SVG in a worker thread. Plain JavaScript on purpose: it
// loads without the TypeScript loader, and loading vega (~0.3 s of CPU plain, ~0.8 s
// through the loader) happens on the second core while the main thread is still
// ingesting. Messages: {id, specs} in, {id, svgs} or {id, error} out.
import { parentPort } from "node:worker_threads";
import * as vega from "vega";
import { compile } from "vega-lite";

async function render(spec) {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

parentPort.on("message", async ({ id, specs }) => {
  try {
    const svgs = [];
    for (const spec of specs) svgs.push(await render(spec));
    parentPort.postMessage({ id, svgs });
  } catch (err) {
    parentPort.postMessage({ id, error: String(err?.message ? err.message : err) });
  }
});
parentPort.postMessage({ ready: true });
