// `k6/http`: get and post answered by the test's handler; expectedStatuses kept as data.
import { type ShimResponse, shim } from "./state.js";

interface Params {
  headers?: Record<string, string>;
  tags?: Record<string, string>;
  responseCallback?: unknown;
}

function request(
  method: string,
  url: string,
  body: string | undefined,
  params: Params = {},
): ShimResponse & { headers: Record<string, string> } {
  const req = { method, url, body, headers: params.headers ?? {}, tags: params.tags ?? {} };
  shim().requests.push(req);
  const res = shim().handle(req);
  return { headers: {}, ...res };
}

export default {
  get: (url: string, params?: Params) => request("GET", url, undefined, params),
  post: (url: string, body: string, params?: Params) => request("POST", url, body, params),
  expectedStatuses: (...statuses: number[]) => ({ expectedStatuses: statuses }),
};
