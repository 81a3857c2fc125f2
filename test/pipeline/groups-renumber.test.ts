import { describe, expect, it } from "vitest";
import { renumberGroups } from "../../pipeline/model/groups.js";

describe("renumberGroups", () => {
  it("puts old group from[k] at k, rows and their order unchanged", () => {
    // Old groups: 0 → [5, 2], 1 → [], 2 → [7, 1, 3].
    const groups = { start: Int32Array.from([0, 2, 2, 5]), rows: Int32Array.from([5, 2, 7, 1, 3]) };
    const out = renumberGroups(groups, Int32Array.from([2, 0, 1]));
    expect(Array.from(out.start)).toEqual([0, 3, 5, 5]);
    expect(Array.from(out.rows)).toEqual([7, 1, 3, 5, 2]);
  });
});
