// The worker's entry: the Hono app (app.ts) answers every route.
export { default } from "./app.js";
