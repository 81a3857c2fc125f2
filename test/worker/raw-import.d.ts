// Vite's `?raw` suffix imports a file's text (wrangler-config.test.ts reads wrangler.toml so).
declare module "*?raw" {
  const text: string;
  export default text;
}
