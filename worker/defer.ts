// Work that must outlive the response (a background refresh of the pointer) goes to the
// runtime through ExecutionContext.waitUntil, so the isolate is not stopped before it ends.
import type { Context } from "hono";
import type { Defer } from "./store.js";

export function deferOf(c: Context): Defer {
  return (work) => {
    try {
      c.executionCtx.waitUntil(work);
    } catch {
      // No ExecutionContext (the app called as a plain function): the work still runs, unawaited.
    }
  };
}
