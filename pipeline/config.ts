// Pipeline configuration: defaults, the JSON file format (`--config FILE`) and its
// validation. A bad file names the field and what is wrong, in one line.
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { DEFAULT_VARIANTS } from "../worker/contract.js";
import { UsageError } from "./errors.js";
import { parseEventDate } from "./ingest/dates.js";

const weight = z.number().finite().nonnegative();

/**
 * Strongest customers kept per name token when the config leaves `tokenCustomers` out. 60
 * rather than 30: 1.19x the recall@100 on the generated shapes, outside the intervals, for
 * ~2 s more ranking at 500,000 rows (docs/model.md, "Name evidence beyond 30 customers per
 * word").
 */
export const DEFAULT_TOKEN_CUSTOMERS = 60;
const isoInstant = z.string().refine((s) => !Number.isNaN(parseEventDate(s)), {
  message: "must be an ISO 8601 date, e.g. 2000-01-01 or 2031-12-31T23:59:59Z",
});

export const configSchema = z
  .object({
    /** Known events and their weights; any other event follows `unknownEvents`. */
    eventWeights: z
      .record(z.string().min(1), weight)
      .refine((w) => Object.keys(w).length > 0 && Object.keys(w).length <= 250, {
        message: "must list between 1 and 250 events",
      })
      .default({ purchased: 5, cart: 3, rating: 2.5, wishlist: 2, search_keyword: 1 }),
    /** `reject`: a row whose event is not in `eventWeights` is rejected as `unknown_event`;
     * `keep`: it is kept and weighs `unknownEventWeight`. */
    unknownEvents: z.enum(["reject", "keep"]).default("reject"),
    unknownEventWeight: weight.default(0.5),
    /** A customer with more interactions than this on any one UTC day is a bot. */
    botMaxPerDay: z.number().int().positive().default(1000),
    /** Days for the recency decay exp(-days / halfLifeDays). */
    recencyDecayDays: z.number().positive().default(90),
    /** Weights of the engagement components (docs/data.md, "Why the model is what it is"). */
    engagementWeights: z
      .object({
        volume: weight.default(0.35),
        breadth: weight.default(0.25),
        quality: weight.default(0.2),
        intensity: weight.default(0.15),
        recency: weight.default(0.05),
      })
      .default({ volume: 0.35, breadth: 0.25, quality: 0.2, intensity: 0.15, recency: 0.05 }),
    /** Share of the final score that comes from product affinity (the rest is engagement). */
    affinityBlend: z.number().min(0).max(1).default(0.9),
    /** How product affinity weighs its two sources (docs/model.md). */
    affinitySources: z
      .object({ coInteraction: weight.default(0.5), names: weight.default(0.5) })
      .default({ coInteraction: 0.5, names: 0.5 }),
    /**
     * The customer half of the score (docs/model.md, "Will this customer come back?"):
     * `bgnbd`, the expected interaction days in the next `bgnbd.horizonDays` from a BG/NBD
     * fit, as a percentile rank, blended with the engagement score by `bgnbd.weight`; or
     * `engagement`, the engagement score alone.
     */
    customerModel: z.enum(["engagement", "bgnbd"]).default("bgnbd"),
    bgnbd: z
      .object({
        horizonDays: z.number().positive().max(3650).default(30),
        weight: z.number().min(0).max(1).default(1),
      })
      .strict()
      .default({ horizonDays: 30, weight: 1 }),
    /**
     * How co-interaction similarity is measured (docs/model.md, "Will they choose this
     * product?"): `cosine` (when left out), `itemknn` (shared / (sqrt(|p||q|) + shrink)) or
     * `rp3beta` (random walk p → customer → q, divided by |q|^beta). Optional without a
     * default: a config that leaves it out keeps its serialized form and so its fingerprint.
     */
    itemSimilarity: z
      .object({
        method: z.enum(["cosine", "itemknn", "rp3beta"]).default("cosine"),
        shrink: z.number().finite().nonnegative().default(10),
        beta: z.number().finite().min(0).max(2).default(0.5),
      })
      .strict()
      .optional(),
    /**
     * Will they come back, times will they choose the product: each candidate's affinity is
     * multiplied by their customer score^affinityGate (0 or left out: not at all), so a close
     * fit who is unlikely to return ranks below one who will. Optional for the same reason
     * as `itemSimilarity`.
     */
    affinityGate: z.number().finite().min(0).max(8).optional(),
    /**
     * Strongest customers kept per name token (DEFAULT_TOKEN_CUSTOMERS): more reach brand- and
     * model-level evidence further, at more candidates per product. A default, not optional,
     * so that a build's fingerprint says which length it ranked with.
     */
    tokenCustomers: z.number().int().min(1).max(500).default(DEFAULT_TOKEN_CUSTOMERS),
    /**
     * Cap on how many top-10 audiences one customer may sit in: a count, or a share of the
     * products ranked such as "5%" (at least MIN_SHARE_CAP audiences); 0 = off. Capped customers keep the
     * audiences they fit best (docs/model.md, "Fair audiences").
     */
    exposureCap: z
      .union([
        z.number().int().nonnegative(),
        z.string().regex(/^(100|[0-9]{1,2}(\.[0-9]+)?)%$/, {
          message: 'must be a count or a share from "0%" to "100%"',
        }),
      ])
      .default("5%"),
    /** Response sizes stored per product; the largest is the `n` limit. */
    variants: z
      .array(z.number().int().min(1).max(1000))
      .min(1)
      .max(10)
      .refine((v) => new Set(v).size === v.length, { message: "must not repeat a value" })
      .transform((v) => [...v].sort((a, b) => a - b))
      .default([...DEFAULT_VARIANTS]),
    /**
     * Rows dated outside [earliest, latest] are rejected as `implausible_date`; defaults:
     * 2000-01-01 and the run's clock plus one day. Left out of the defaults on purpose: a
     * config without it serializes (and so fingerprints) as it does without the check.
     */
    plausibleDates: z
      .object({ earliest: isoInstant.optional(), latest: isoInstant.optional() })
      .strict()
      .refine((w) => !w.earliest || !w.latest || parseEventDate(w.earliest) <= parseEventDate(w.latest), {
        message: "earliest must not be after latest",
      })
      .optional(),
    /** How many published versions publish keeps (the live one included). */
    retainVersions: z.number().int().min(1).max(20).default(2),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;

/**
 * A share never caps below this many audiences: on a sample of a few hundred products 5% is
 * a handful of audiences, and capped customers leave whole audiences, which then run short.
 */
export const MIN_SHARE_CAP = 100;

/** The exposure cap as a count for a ranking of `products` products (0 = off). */
export function exposureCapFor(cap: Config["exposureCap"], products: number): number {
  if (typeof cap === "number") return cap;
  const share = Number(cap.slice(0, -1)) / 100;
  return share > 0 ? Math.max(MIN_SHARE_CAP, Math.floor(share * products)) : 0;
}

export function defaultConfig(): Config {
  return configSchema.parse({});
}

/** One line: `config: eventWeights.cart: Expected number, received string`. */
export function formatZodError(source: string, error: z.ZodError): string {
  const issue = error.issues[0];
  const path = issue.path.length > 0 ? issue.path.join(".") : "(root)";
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : "";
  return `${source}: ${path}: ${issue.message}${more}`;
}

export function parseConfig(raw: unknown, source = "config"): Config {
  const result = configSchema.safeParse(raw);
  if (!result.success) throw new UsageError(formatZodError(source, result.error));
  return result.data;
}

export async function loadConfig(file: string | undefined): Promise<Config> {
  if (!file) return defaultConfig();
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new UsageError(`config file not found or unreadable: ${file}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`config file ${file} is not valid JSON: ${(err as Error).message}`);
  }
  return parseConfig(raw, `config ${file}`);
}
