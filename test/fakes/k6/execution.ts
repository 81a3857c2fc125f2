// `k6/execution`: the scenario clock and test.abort().
import { K6Abort, shim } from "./state.js";

export default {
  get scenario() {
    return { name: "test", startTime: shim().scenarioStartTime, iterationInTest: 0 };
  },
  test: {
    abort(message?: string): never {
      throw new K6Abort(message);
    },
  },
};
