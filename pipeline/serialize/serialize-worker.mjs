// Entry of the serialize thread: a worker starts without the parent's TypeScript loader, so
// it registers tsx (as bin.mjs does) before loading the thread's code.
import { register } from "tsx/esm/api";

register();
await import(new URL("./serialize-thread.ts", import.meta.url).href);
