// Tells `cloudflare:workers` (env, exports) what this worker's bindings and main
// module are, for the worker tests and any code that imports `env` directly.
import type { Bindings } from "./env.js";

declare global {
  namespace Cloudflare {
    interface Env extends Bindings {}
    interface GlobalProps {
      mainModule: typeof import("./index.js");
    }
  }
}
