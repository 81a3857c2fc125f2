// Every router is an OpenAPIHono whose failed validations become our 422/413 error body
// (errors.ts), so a schema is both the check and the documentation.
import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "./env.js";
import { validationError } from "./errors.js";

export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error);
    },
  });
}
