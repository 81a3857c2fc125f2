// A shorter audience is the longer one's start, whatever the limit: the exposure cap counts
// top-10 places from rankings limited to 10 (rank.ts, the sample and assignByFit's probe),
// which must be the first 10 of the audiences the build serves, and every variant is cut
// from the longest list.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../pipeline/config.js";
import { generate } from "../../pipeline/generate/generate.js";
import { ingest } from "../../pipeline/ingest/ingest.js";
import { rank } from "../../pipeline/model/rank.js";
import { tempDir } from "../helpers/tmp.js";

describe("audiences of different lengths", () => {
  it("the audience of every limit is the start of the longest one, customers and scores", async () => {
    const csv = join(tempDir(), "log.csv");
    await generate({ rows: 20_000, seed: 4, out: csv });
    // The engagement score: the BG/NBD fit would cost seconds per ranking on a log this small.
    const config = parseConfig({ exposureCap: 0, customerModel: "engagement" });
    const data = await ingest([csv], { config });
    // At the default blend most candidates outscore every customer found by engagement
    // alone; at 0.1 the two interleave all the way down the list.
    for (const blend of [0.9, 0.1]) {
      const lists = (maxN: number) => {
        const out = new Map<number, [number[], number[]]>();
        for (const [p, a] of rank(data, config, { maxN, blend }).audiences())
          out.set(p, [[...a.customers], [...a.scores]]);
        return out;
      };
      const longest = lists(100);
      for (const limit of [1, 3, 10, 37]) {
        const short = lists(limit);
        expect(short.size).toBe(longest.size);
        for (const [p, [customers, scores]] of short) {
          const [allCustomers, allScores] = longest.get(p)!;
          expect(customers, `blend ${blend}, product ${p}, limit ${limit}`).toEqual(
            allCustomers.slice(0, limit),
          );
          expect(scores).toEqual(allScores.slice(0, limit));
        }
      }
    }
  });
});
