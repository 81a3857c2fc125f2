// The one module that owns the contract between the pipeline and the worker:
// KV key names, the id rule, response shapes and defaults. Both sides import it;
// nothing else spells a key format. Keep it free of runtime-specific APIs so it
// type-checks and runs in Node and in workerd alike.

/** Customer and product ids are opaque tokens; anything else is rejected. */
export const ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

export function isValidId(id: string): boolean {
  return ID_PATTERN.test(id);
}

/** An id that can be carried as a JSON number without loss. */
const CANONICAL_INT = /^(0|[1-9][0-9]{0,15})$/;
export function isCanonicalSafeInteger(id: string): boolean {
  return CANONICAL_INT.test(id) && Number(id) < 2 ** 53;
}

export type IdType = "number" | "string";
export type JsonId = number | string;

export const DEFAULT_VARIANTS: readonly number[] = [5, 10, 20, 50, 100];
export const DEFAULT_N = 10;
/** The largest n a build with the default variants serves. */
export const DEFAULT_MAX_N = Math.max(...DEFAULT_VARIANTS);
export const MAX_BATCH_PRODUCTS = 100;
export const MAX_SAMPLE_PRODUCTS = 1000;
export const SAMPLE_N_MAX = 100;

/** `20261126T164500Z-3fa2c1`: build time, then a short content hash. */
export const VERSION_PATTERN = /^\d{8}T\d{6}Z-[0-9a-f]{6}$/;

export function isValidVersion(version: string): boolean {
  return VERSION_PATTERN.test(version);
}

export function formatVersion(builtAt: Date, contentHash: string): string {
  const stamp = builtAt
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
  return `${stamp}-${contentHash.slice(0, 6).toLowerCase()}`;
}

// ---- KV keys (binding RECS) ----

export const POINTER_KEY = "meta/current";

export const keys = {
  pointer: POINTER_KEY,
  versionPrefix: (version: string) => `v/${version}/`,
  meta: (version: string) => `v/${version}/meta`,
  rec: (version: string, productId: string, n: number) => `v/${version}/rec/${productId}/${n}`,
  fallback: (version: string, n: number) => `v/${version}/fallback/${n}`,
  sample: (version: string) => `v/${version}/sample`,
  /** The names of the sample's products, in the same order (JSON array, null for none). */
  sampleNames: (version: string) => `v/${version}/sample-names`,
  /** The reasons behind one product's largest variant (readable-audiences.ts). */
  why: (version: string, productId: string) => `v/${version}/why/${productId}`,
  /** One bucket of the name search index (searchBucket). */
  search: (version: string, bucket: number) => `v/${version}/search/${bucket}`,
  /** One value per product with a retarget audience: the largest variant's body. */
  retarget: (version: string, productId: string) => `v/${version}/retarget/${productId}`,
} as const;

/** `audience=`: who the audience is (docs/contract.md, "Audience kinds"). */
export const AUDIENCE_KINDS = ["prospects", "retarget"] as const;
export type AudienceKind = (typeof AUDIENCE_KINDS)[number];
export const DEFAULT_AUDIENCE: AudienceKind = "prospects";

/** Pulls the version out of any versioned key; undefined for other keys. */
export function versionOfKey(key: string): string | undefined {
  const match = /^v\/([^/]+)\//.exec(key);
  return match ? match[1] : undefined;
}

// ---- values ----

/** `meta/current`: written last, it is the atomic switch between versions. */
export interface Pointer {
  version: string;
  generated_at: string;
  variants: number[];
  products: number;
  id_type: IdType;
  /** The search index's cut prefixes (SEARCH_PREFIX_MAX), sorted; absent when none is. */
  search_cut?: string[];
}

export interface Recommendation {
  customer_id: JsonId;
  score: number;
  rank: number;
}

export interface RecommendationResponse {
  product_id: JsonId;
  /** The product's name on its latest interaction; null in a fallback answer or when the log has none. */
  product_name: string | null;
  recommendations: Recommendation[];
  count: number;
  model_version: string;
  generated_at: string;
  fallback: boolean;
  note: string;
}

export const NOTES = {
  ranked:
    "Audience ranked by how likely each customer is to come back, favouring customers close to this product; customers who already interacted with it are excluded.",
  fallback:
    "New product: this build never saw it, so this is the fallback audience (the customers most likely to come back overall).",
  retarget:
    "Customers who carted or wishlisted this product and never bought it, newest first; score = recency of that event.",
  retargetNone: "Nobody carted or wishlisted this product without buying it: there is no retarget audience.",
  retargetUnknown: "New product: this build never saw it, so nobody can be retargeted for it.",
} as const;

/** `v/<version>/meta`: what the build was made from and how it scored. */
export interface BuildMeta {
  version: string;
  generated_at: string;
  id_type: IdType;
  variants: number[];
  counts: {
    products: number;
    customers: number;
    keys: number;
    suppressed_customers: number;
    /** Products with a retarget audience (one key each). */
    retarget_products?: number;
  };
  /** The search index's cut prefixes, as the pointer carries them; absent when none is. */
  search_cut?: string[];
  config: unknown;
  stats: unknown;
  evaluation: unknown;
  input: { files: string[]; hash: string };
}

/** Smallest stored variant that can serve `n` (n itself when it is a variant). */
export function variantFor(n: number, variants: readonly number[]): number | undefined {
  let best: number | undefined;
  for (const v of variants) if (v >= n && (best === undefined || v < best)) best = v;
  return best;
}

/** Ids travel as JSON numbers only when the whole build's ids are safe integers. */
export function toJsonId(id: string, idType: IdType): JsonId {
  return idType === "number" ? Number(id) : id;
}

const DIGITS = /^\d+$/;

/**
 * The build's tie order between two ids: numeric ids as numbers (9 before 10), anything
 * else as plain strings. Here so that the worker breaks ties exactly as the build does.
 */
export function compareIds(a: string, b: string): number {
  if (a.length !== b.length && DIGITS.test(a) && DIGITS.test(b)) {
    // Canonical integers (no leading zeros) order by length first; leading zeros fall through.
    if (a[0] !== "0" && b[0] !== "0") return a.length - b.length;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---- campaign audiences (POST/GET /audience, `audience measure`) ----

export const CAMPAIGN_MAX_PRODUCTS = MAX_BATCH_PRODUCTS;
export const CAMPAIGN_DEFAULT_N = 100;
export const CAMPAIGN_MAX_N = 1000;
export const HOLDOUT_PCT_MAX = 50;
/** The served CSV's header, which `audience measure` reads back. */
export const CAMPAIGN_CSV_COLUMNS = ["customer_id", "score", "rank", "product_id", "holdout"] as const;

export interface CampaignRecommendation extends Recommendation {
  /** The campaign product that gave the customer's best score; null in a fallback answer. */
  product_id: JsonId | null;
  holdout: boolean;
}

export interface CampaignResponse {
  campaign: string;
  product_ids: JsonId[];
  recommendations: CampaignRecommendation[];
  count: number;
  targeted: number;
  holdout: number;
  unknown_products: JsonId[];
  model_version: string;
  generated_at: string;
  fallback: boolean;
}

export * from "./contract-readable.js";
