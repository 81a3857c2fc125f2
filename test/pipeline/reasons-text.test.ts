// The reasons' text is written from cached pieces, plain or escaped for the bulk file; both
// must be exactly what JSON.stringify makes of the stored reasons, whatever the names hold.
import { describe, expect, it } from "vitest";
import { Explainer, type ReasonsInput } from "../../pipeline/model/reasons.js";
import { nameTokens, tokenizeProducts } from "../../pipeline/model/tokens.js";

const names = [
  'Rocket "Ракета" 🚀 \\ mixer',
  "ракета 🚀 blender",
  ...Array.from({ length: 8 }, (_, i) => `x${i}`),
];

function input(): ReasonsInput {
  const tokens = tokenizeProducts(names);
  const shared = tokens.tokens[tokens.start[0] + nameTokens(names[0]).indexOf("ракета")];
  // Only the shared word's list holds a customer: customer 0, whose names evidence it is.
  const tokenStart = new Int32Array(tokens.count + 1);
  for (let t = shared + 1; t <= tokens.count; t++) tokenStart[t] = 1;
  return {
    idType: "number",
    productIds: names.map((_, p) => String(500 + p)),
    latestNames: names,
    modelNames: names,
    events: ['add "to" cart'],
    eventWeights: Float64Array.of(1),
    // Customer 1's one recent row is product 1.
    walkStart: Int32Array.of(0, 0, 1, 1),
    walkProduct: Int32Array.of(1),
    walkEvent: Uint8Array.of(0),
    tokens,
    tokenStart,
    tokenCustomers: Int32Array.of(0),
    tokenStrength: Float32Array.of(0.5),
  };
}

// Customer 0 by shared words, 1 by the similar product 1, 2 by engagement.
const evidence = () => ({
  codes: Uint8Array.of(1 | 4, 1 | 2 | 8, 0),
  hasNames: true,
  neighbours: Int32Array.of(1),
  sims: Float64Array.of(0.5),
});
const customers = Int32Array.of(0, 1, 2);
const stored =
  '{"reasons":[["w",["ракета"]],["p",501,"ракета 🚀 blender","add \\"to\\" cart"]],"at":[0,1,-1]}';

describe("reasons as text", () => {
  it("plain: the stored reasons' JSON", () => {
    expect(new Explainer(input()).explain(0, customers, evidence())).toBe(stored);
    expect(JSON.parse(stored)).toEqual({
      reasons: [
        ["w", ["ракета"]],
        ["p", 501, "ракета 🚀 blender", 'add "to" cart'],
      ],
      at: [0, 1, -1],
    });
  });

  it("escaped: that JSON as a JSON string's content, with its served size in bytes", () => {
    const explainer = new Explainer(input(), '\\"');
    for (let round = 0; round < 2; round++) {
      const bytes = explainer.explainInto(0, customers, evidence());
      expect(bytes.toString("utf8")).toBe(JSON.stringify(stored).slice(1, -1));
      expect(explainer.servedBytes).toBe(Buffer.byteLength(stored));
    }
  });
});
