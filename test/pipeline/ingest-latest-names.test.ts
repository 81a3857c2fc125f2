// Each product's served name is the name on its latest named row (ties: the later row);
// rows keep name ids, so a product renamed back and forth still reads back each name exactly.
import { describe, expect, it } from "vitest";
import { RowNames } from "../../pipeline/ingest/latest-names.js";

describe("RowNames", () => {
  it("gives each product the name of its latest named row, across renames and shared names", () => {
    const names = new RowNames();
    // row: product, time, name
    const rows: [number, number, string][] = [
      [0, 10, "Acme Rocket"],
      [1, 10, "Acme Rocket"],
      [0, 20, "Acme Rocket 2"],
      [0, 30, "Acme Rocket"],
      [1, 40, ""],
      [2, 5, ""],
      [0, 30, "Acme Rocket 3"],
      [1, 15, "Zeta"],
    ];
    for (const [r, [p, , name]] of rows.entries()) names.set(r, p, name);
    const product = Int32Array.from(rows, (row) => row[0]);
    const time = Float64Array.from(rows, (row) => row[1]);
    // Product 0: time 30 twice, the later row wins; product 1: its empty name at 40 does not count.
    expect(names.latest(product, time, rows.length, 3)).toEqual(["Acme Rocket 3", "Zeta", null]);
    // Without the last two rows (as if dropped), product 0's latest is the rename back.
    expect(names.latest(product, time, 6, 3)).toEqual(["Acme Rocket", "Acme Rocket", null]);
    // The model's names: each product's first non-empty name in row order ("" without one,
    // also for a product past every named one).
    expect(names.first(4)).toEqual(["Acme Rocket", "Acme Rocket", "", ""]);
  });

  it("lets a popped row be overwritten by the next one", () => {
    const names = new RowNames();
    names.set(0, 0, "First");
    names.set(1, 0, "Duplicate row");
    names.set(1, 1, "Other");
    const product = Int32Array.from([0, 1]);
    const time = Float64Array.from([1, 2]);
    expect(names.latest(product, time, 2, 2)).toEqual(["First", "Other"]);
  });
});
