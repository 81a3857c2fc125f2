import { describe, expect, it } from "vitest";
import { table } from "../../scripts/lib/bench-report.js";

describe("bench-report table", () => {
  it("pads every column to its widest cell, as the markdown formatter does", () => {
    const text = table(
      ["size", "p99"],
      [
        [1000, "2 ms"],
        ["5M", "1.25 s"],
      ],
    );
    expect(text.split("\n")).toEqual([
      "| size | p99    |",
      "| ---- | ------ |",
      "| 1000 | 2 ms   |",
      "| 5M   | 1.25 s |",
    ]);
  });

  it("keeps the three-dash minimum for narrow columns", () => {
    expect(table(["n"], [[5]]).split("\n")[1]).toBe("| --- |");
  });
});
