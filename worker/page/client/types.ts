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

export interface Reason {
  kind?: string;
  text?: string;
}

export interface Recommendation {
  customer_id: string | number;
  score: number;
  rank: number;
  /** With explain=true, on a deployment that explains. */
  reason?: Reason;
}

export interface AudienceAnswer {
  product_id?: string | number;
  product_name?: string | null;
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

export interface ProductHit {
  product_id: string | number;
  product_name: string | null;
  customers?: number;
}

export interface SearchAnswer {
  query?: string;
  results: ProductHit[];
  count?: number;
}

export interface CampaignMember extends Recommendation {
  product_id: string | number;
  holdout: boolean;
}

export interface CampaignAnswer {
  campaign?: string;
  product_ids?: (string | number)[];
  recommendations: CampaignMember[];
  count?: number;
  targeted?: number;
  holdout?: number;
  unknown_products?: (string | number)[];
  model_version?: string;
  generated_at?: string;
  fallback?: boolean;
}
