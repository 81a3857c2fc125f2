// One JSON line per event, always carrying the request id the client also sees in
// X-Request-Id, so a support ticket and a log line can be matched.
import type { Context } from "hono";
import type { AppEnv } from "./env.js";

type LogLevel = "info" | "warn" | "error";

export function log(
  c: Context<AppEnv>,
  level: LogLevel,
  message: string,
  fields: Record<string, unknown> = {},
): void {
  const line = JSON.stringify({
    level,
    request_id: c.get("requestId"),
    method: c.req.method,
    path: c.req.path,
    message,
    ...fields,
  });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}
