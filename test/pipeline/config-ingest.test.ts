// The ingest fields of the config file: defaults, and a bad value names its field.
import { describe, expect, it } from "vitest";
import { defaultConfig, parseConfig } from "../../pipeline/config.js";

describe("config: ingest fields", () => {
  it("defaults to the documented weights, reject for unknown events and 1,000 a day for bots", () => {
    const c = defaultConfig();
    expect(c.eventWeights).toEqual({ purchased: 5, cart: 3, rating: 2.5, wishlist: 2, search_keyword: 1 });
    expect(c.unknownEvents).toBe("reject");
    expect(c.botMaxPerDay).toBe(1000);
  });

  it.each([
    [{ eventWeights: { cart: "heavy" } }, /^config: eventWeights\.cart: .*number/i],
    [{ eventWeights: { cart: -1 } }, /^config: eventWeights\.cart: /],
    [{ eventWeights: {} }, /^config: eventWeights: must list between 1 and 250 events/],
    [{ unknownEvents: "drop" }, /^config: unknownEvents: .*"reject".*"keep"/],
    [{ unknownEventWeight: -0.5 }, /^config: unknownEventWeight: /],
    [{ botMaxPerDay: 0 }, /^config: botMaxPerDay: .*(>0|greater|positive)/i],
    [{ botMaxPerDay: 10.5 }, /^config: botMaxPerDay: .*int/i],
    [{ botsPerDay: 10 }, /^config: .*botsPerDay/],
  ])("%j is refused with a message naming the field", (raw, message) => {
    expect(() => parseConfig(raw)).toThrow(message);
    try {
      parseConfig(raw);
    } catch (err) {
      expect((err as Error).name).toBe("UsageError");
      expect((err as Error).message).not.toContain("\n");
    }
  });
});
