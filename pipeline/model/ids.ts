// Tie-breaking by id lives in the contract module: the worker's campaign merge orders ties
// the same way the build does.
export { compareIds } from "../../worker/contract.js";
