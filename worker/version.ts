// The service's version is the package's: one number, in package.json. esbuild keeps only
// this field of the JSON in the bundle.
export { version as SERVICE_VERSION } from "../package.json";
