// `k6/metrics`: custom metrics record their samples.
import { shim } from "./state.js";

class Metric {
  constructor(readonly name: string) {}
  add(value: number): void {
    shim().samples.push({ metric: this.name, value });
  }
}

export class Counter extends Metric {}
export class Gauge extends Metric {}
export class Rate extends Metric {}
export class Trend extends Metric {}
