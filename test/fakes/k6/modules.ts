// The stand-in modules by the name a k6 script imports them.
import { fileURLToPath } from "node:url";

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

export const K6_SHIM_MODULES: Record<string, string> = {
  k6: here("./index.ts"),
  "k6/http": here("./http.ts"),
  "k6/execution": here("./execution.ts"),
  "k6/metrics": here("./metrics.ts"),
};
