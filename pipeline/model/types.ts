// What the ranking stage hands to serialization: per product, customers best first.
import type { IdType } from "../../worker/contract.js";
import type { Groups } from "./groups.js";
import type { Evidence, ReasonsInput } from "./reasons.js";

export interface Audience {
  /** Customer indices (into Ranking.customerIds), best first. */
  customers: Int32Array;
  /** Scores in 0..1, same order, non-increasing. */
  scores: Float64Array;
}

/**
 * Yielded by Ranking.restartableAudiences() when every audience yielded before it is void:
 * the ranking starts over from the first product.
 */
export const RESTART = "restart";

export interface Ranking {
  /** Every product of the build, in the order `audiences()` visits them. */
  productCount: number;
  /**
   * Each product's audience, once. The order is part of the result when the exposure cap
   * is on (earlier products claim customers first), so audiences come as one pass.
   * Each audience's arrays are reused for the next one: copy them to keep them.
   */
  audiences(): Generator<[product: number, audience: Audience]>;
  /**
   * The same audiences for a caller that can throw away what it was given: with the exposure
   * cap on, the fair assignment needs every product's top 10 before the first audience
   * (rank.ts, assignByFit), unless the cap never binds. This ranks once on the guess that it
   * will not (when a sample of products does not show it binding); if some customer reaches
   * the cap after all, it yields RESTART and then every audience as audiences() does.
   */
  restartableAudiences(): Generator<[product: number, audience: Audience] | typeof RESTART>;
  /**
   * What the reasons of product p's audience need of its ranking round (reasons.ts): valid
   * only for the audience `audiences()` yielded last, and only until the next call.
   */
  evidence(p: number, audience: Audience): Evidence;
  /** The read-only part of the reasons, for an Explainer (made once per call). */
  reasonsInput(idType: IdType): ReasonsInput;
  /** The audience for products the build never saw. */
  fallback: Audience;
  /** How many customers of the build the suppression list removed. */
  suppressedCustomers: number;
  /**
   * Customer ids by the index audiences use: the ranking numbers customers in its own order
   * (relabel.ts), so Interactions.customers indices do not apply.
   */
  customerIds: string[];
  /** Audience customer index → index in Interactions.customers. */
  customerOf: Int32Array;
  /** The inverse: index in Interactions.customers → audience customer index. */
  rankingIndex: Int32Array;
  /** The time of the log's newest row ("now" for recency). */
  newest: number;
  /** The log's rows grouped by product, newest first (Interactions' row ids). */
  byProduct: Groups;
  /**
   * Product rankings done so far, the exposure cap's probes and undone passes included: one
   * per product when the cap never binds, two or more when it does (rank.ts).
   */
  rankings(): number;
}
