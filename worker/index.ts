// The worker's entry: the hot route first (fast-lane.ts), everything it does not answer
// goes to the Hono app (app.ts), which owns the whole contract.
import app from "./app.js";
import type { Bindings } from "./env.js";
import { fastLane } from "./fast-lane.js";

export default {
  // ctx is optional as in app.fetch, so tests can call the worker as a plain function.
  fetch(request: Request, env: Bindings, ctx?: ExecutionContext): Response | Promise<Response> {
    const fast = fastLane(request, env);
    if (fast === undefined) return app.fetch(request, env, ctx);
    if (fast instanceof Response) return fast;
    return fast.then((response) => response ?? app.fetch(request, env, ctx));
  },
};
