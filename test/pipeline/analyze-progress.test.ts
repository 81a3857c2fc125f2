// Progress on long runs when stderr is not a terminal: plain lines with count and rate.
import { describe, expect, it } from "vitest";
import { createProgress } from "../../pipeline/progress.js";

function fakeStream(isTTY: boolean) {
  const lines: string[] = [];
  const stream = { isTTY, write: (s: string) => lines.push(s) } as unknown as NodeJS.WriteStream;
  return { stream, lines };
}

describe("progress without a terminal", () => {
  it("prints one plain line per update past the interval, with the count and a rate", () => {
    const { stream, lines } = fakeStream(false);
    const p = createProgress({ label: "ingest", unit: "rows", stream, intervalMs: 0 });
    p.update(50_000);
    p.update(1_250_000, 2_000_000);
    p.stop("done");
    expect(lines[0]).toMatch(/^ingest: 50,000 rows, [\d,]+ rows\/s\n$/);
    expect(lines[1]).toMatch(/^ingest: 1,250,000 of 2,000,000 \(62%\) rows, [\d,]+ rows\/s\n$/);
    expect(lines[2]).toBe("done\n");
  });

  it("holds back lines inside the interval, and says nothing when quiet", () => {
    const { stream, lines } = fakeStream(false);
    const p = createProgress({ label: "ingest", unit: "rows", stream, intervalMs: 60_000 });
    p.update(1);
    p.update(2);
    p.update(3);
    expect(lines).toHaveLength(1);
    const quiet = fakeStream(false);
    createProgress({ label: "x", unit: "rows", stream: quiet.stream, quiet: true }).update(5);
    expect(quiet.lines).toHaveLength(0);
  });
});
