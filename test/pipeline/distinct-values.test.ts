// DistinctValues numbers doubles as a Map would key them, without boxing them.
import { describe, expect, it } from "vitest";
import { DistinctValues } from "../../pipeline/model/distinct-values.js";

describe("DistinctValues", () => {
  it("numbers values in order of first appearance, as a Map's insertion order", () => {
    const values = [3.5, -1, 3.5, 0, -0, Number.NaN, 1e300, -1, Number.NaN, 2 ** 53 + 2, 0.1 + 0.2];
    const distinct = new DistinctValues();
    const map = new Map<number, number>();
    for (const v of values) {
      if (!map.has(v)) map.set(v, map.size);
      expect(distinct.add(v)).toBe(map.get(v));
    }
    expect(distinct.size).toBe(map.size);
    expect(Array.from(distinct.list())).toEqual([...map.keys()]);
    expect(distinct.find(-0)).toBe(map.get(0));
    expect(distinct.find(0.3)).toBe(-1);
  });

  it("keeps every number across growth", () => {
    const distinct = new DistinctValues();
    const values = Array.from({ length: 50_000 }, (_, i) => (i % 3 === 0 ? i : i / 7) * (i % 2 ? -1 : 1));
    values.forEach((v, i) => {
      expect(distinct.add(v)).toBe(i);
    });
    values.forEach((v, i) => {
      if (distinct.find(v) !== i) expect.fail(`${v} is number ${distinct.find(v)}, not ${i}`);
    });
    expect(distinct.size).toBe(values.length);
  });
});
