// What the ranking stage hands to serialization: per product, customers best first.

export interface Audience {
  /** Customer indices (into Interactions.customers), best first. */
  customers: Int32Array;
  /** Scores in 0..1, same order, non-increasing. */
  scores: Float64Array;
}

export interface Ranking {
  /** Products in the order they will be serialized (every product of the build). */
  productCount: number;
  audienceFor(product: number): Audience;
  /** The audience for products the build never saw. */
  fallback: Audience;
  /** How many customers the suppression list removed from the build. */
  suppressedCustomers: number;
}
