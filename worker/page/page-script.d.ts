// What the worker sees of the demo page's browser code (worker/page/client/): the script text.
// package.json "imports" maps #page-script here for the type checker and to the client's
// index.ts for bundlers, so the worker's project never type-checks DOM code against the
// workers types (the two global libraries clash); the client has its own tsconfig.
export declare const clientScript: string;
