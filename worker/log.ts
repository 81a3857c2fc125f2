// One JSON line per event, always carrying the request id the client also sees in
// X-Request-Id, so a support ticket and a log line can be matched.
import type { Context } from "hono";
import type { AppEnv } from "./env.js";

export type LogLevel = "info" | "warn" | "error";

/** Where a log line comes from: the request id the client was given, method and path. */
export interface LogOrigin {
  requestId: string;
  method: string;
  path: string;
}

export function logLine(
  origin: LogOrigin,
  level: LogLevel,
  message: string,
  fields: Record<string, unknown> = {},
): void {
  const line = JSON.stringify({
    level,
    request_id: origin.requestId,
    method: origin.method,
    path: origin.path,
    message,
    ...fields,
  });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

export function log(
  c: Context<AppEnv>,
  level: LogLevel,
  message: string,
  fields: Record<string, unknown> = {},
): void {
  logLine({ requestId: c.get("requestId"), method: c.req.method, path: c.req.path }, level, message, fields);
}
