// A stand-in for the k6 runtime, just enough to run the load scripts' code in Node:
// requests go to a function the test supplies (synchronously, as in k6), and checks,
// metric samples and aborts are recorded for the test to assert on. The scripts are
// bundled against these modules instead of k6's (scripts/lib/k6-bundle.ts, k6Modules).

export interface ShimRequest {
  method: string;
  url: string;
  body?: string;
  headers: Record<string, string>;
  tags: Record<string, string>;
}

export interface ShimResponse {
  status: number;
  body: string | null;
  headers?: Record<string, string>;
}

export interface ShimState {
  handle: (req: ShimRequest) => ShimResponse;
  requests: ShimRequest[];
  checks: { name: string; ok: boolean; tags: Record<string, string> }[];
  samples: { metric: string; value: number }[];
  scenarioStartTime: number;
}

/** Thrown by exec.test.abort(), as k6 stops the run there. */
export class K6Abort extends Error {
  override name = "K6Abort";
}

export function shim(): ShimState {
  const state = (globalThis as { __k6shim?: ShimState }).__k6shim;
  if (!state) throw new Error("set globalThis.__k6shim before running a bundled k6 script");
  return state;
}
