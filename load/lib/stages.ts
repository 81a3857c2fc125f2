// Where a ramping run stands at any moment: which stage, which offered rate. The stress
// and spike scripts tag every request with it, so the summary can break latency and
// errors down per step or phase (that breakdown is what shows the knee). Pure functions.

export interface Stage {
  duration: string;
  target: number;
}

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/** Seconds in a k6 duration such as `90s`, `5m` or `1h30m`. */
export function seconds(duration: string): number {
  let total = 0;
  let matched = "";
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  for (let m = part.exec(duration); m !== null; m = part.exec(duration)) {
    total += Number(m[1]) * UNIT_SECONDS[m[2]];
    matched += m[0];
  }
  if (matched !== duration || matched === "") throw new Error(`not a k6 duration: "${duration}"`);
  return total;
}

/** Index of the stage running `elapsed` seconds into the scenario (the last one after the end). */
export function stageAt(stages: readonly Stage[], elapsed: number): number {
  let end = 0;
  for (let i = 0; i < stages.length; i++) {
    end += seconds(stages[i].duration);
    if (elapsed < end) return i;
  }
  return stages.length - 1;
}

/** The arrival rate k6 offers at `elapsed` seconds: linear within each stage, as k6 ramps. */
export function rateAt(startRate: number, stages: readonly Stage[], elapsed: number): number {
  let from = startRate;
  let start = 0;
  for (const stage of stages) {
    const length = seconds(stage.duration);
    if (elapsed < start + length) return from + ((stage.target - from) * (elapsed - start)) / length;
    from = stage.target;
    start += length;
  }
  return from;
}

/** A staircase: a short ramp to each rate, then a hold long enough to read its latency. */
export function staircase(
  startRate: number,
  maxRate: number,
  steps: number,
  hold: string,
  ramp = "10s",
): Stage[] {
  const stages: Stage[] = [];
  for (let i = 1; i <= steps; i++) {
    const target = Math.round(startRate + ((maxRate - startRate) * i) / steps);
    stages.push({ duration: ramp, target }, { duration: hold, target });
  }
  return stages;
}
