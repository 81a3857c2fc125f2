// The parts of the API's answers the demo page reads. The page checks what it uses before it
// trusts it (an older deployment or a proxy may answer otherwise), so these stay minimal.

/** The settings the worker renders into the page as JSON. */
export interface PageConfig {
  /** The largest n the live build serves. */
  maxN: number;
  authRequired: boolean;
  /** Source of the product id pattern (a RegExp without flags). */
  idPattern: string;
  /** How many sample products to offer. */
  sampleSize: number;
}

export interface Recommendation {
  customer_id: string | number;
  score: number;
  rank: number;
}

export interface AudienceAnswer {
  product_id?: string | number;
  recommendations: Recommendation[];
  count?: number;
  model_version?: string;
  generated_at?: string;
  fallback?: boolean;
  note?: string;
}

export interface SampleAnswer {
  sample_products?: (string | number)[];
  total_available?: number;
}

export type Facts = Record<string, unknown>;
