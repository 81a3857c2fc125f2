// The one journey every load profile drives: what marketing tools do against the API.
// One iteration is one request, so an arrival rate in k6 is a request rate here and the
// figures of different profiles compare directly.
import { check } from "k6";
import http from "k6/http";
import { Counter } from "k6/metrics";
import {
  type AudienceExpectation,
  batchCheckers,
  type Checkers,
  campaignCheckers,
  csvCheckers,
  errorCheckers,
  explainCheckers,
  healthCheckers,
  type Reply,
  recommendationCheckers,
  sampleCheckers,
  searchCheckers,
} from "./checks.ts";
import { BASE_URL, headers, parseJson } from "./config.ts";
import type { SetupData } from "./setup.ts";

type Tags = Record<string, string>;

/** 429s: the deployment's rate limit, not its capacity; the summary calls them out. */
const rateLimited = new Counter("rate_limited");

const BATCH_SIZE = 10;
const CAMPAIGN_SIZE = 10;

function reply(res: { status: number; body: unknown }): Reply {
  if (res.status === 429) rateLimited.add(1);
  return { status: res.status, body: parseJson(res.body) };
}

function verify(res: Reply, checkers: Checkers, tags: Tags): boolean {
  return check(res, checkers, tags);
}

export function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)];
}

/** The n values to ask for: every stored variant, and one that is cut from a larger one. */
export function nChoices(variants: readonly number[]): number[] {
  const max = Math.max(...variants);
  const cut = Array.from({ length: max }, (_, i) => i + 1).find(
    (n) => n > variants[0] && !variants.includes(n),
  );
  return cut === undefined ? [...variants] : [...variants, cut];
}

function chooseN(data: SetupData): number {
  // Half the traffic asks for the default n = 10, as the reference clients do.
  return data.variants.includes(10) && Math.random() < 0.5 ? 10 : pick(nChoices(data.variants));
}

/** An id the build cannot know, of the build's id type, so the answer is the fallback. */
export function unknownProductId(data: SetupData): string {
  // 8e15 + < 1e15 stays below 2^53: a canonical integer, carried as a JSON number.
  if (data.numericIds) return String(8e15 + Math.floor(Math.random() * 1e15));
  return `k6-new-${Math.floor(Math.random() * 2 ** 40).toString(36)}`;
}

function jsonId(id: string, data: SetupData): string | number {
  return data.numericIds ? Number(id) : id;
}

export function getAudience(exp: AudienceExpectation, tags: Tags = {}): boolean {
  const res = http.get(`${BASE_URL}/recommend/${encodeURIComponent(exp.productId)}?n=${exp.n}`, {
    headers: headers(),
    tags: { name: "GET /recommend/:id", endpoint: "recommend", ...tags },
  });
  return verify(reply(res), recommendationCheckers(exp), tags);
}

/** The audience with a reason per customer, as a marketer checking why asks for it. */
export function getExplained(exp: AudienceExpectation, tags: Tags = {}): boolean {
  const res = http.get(`${BASE_URL}/recommend/${encodeURIComponent(exp.productId)}?n=${exp.n}&explain=true`, {
    headers: headers(),
    tags: { name: "GET /recommend/:id?explain=true", endpoint: "explain", ...tags },
  });
  return verify(reply(res), explainCheckers(exp), tags);
}

/** A product search as typed into the demo page's product field. */
export function getSearch(query: string, limit: number, tags: Tags = {}): boolean {
  const res = http.get(`${BASE_URL}/products/search?q=${encodeURIComponent(query)}&limit=${limit}`, {
    headers: headers(),
    tags: { name: "GET /products/search", endpoint: "search", ...tags },
  });
  return verify(reply(res), searchCheckers(query, limit), tags);
}

export function postBatch(data: SetupData, expected: AudienceExpectation[], tags: Tags = {}): boolean {
  const n = expected[0].n;
  const body = JSON.stringify({ product_ids: expected.map((e) => jsonId(e.productId, data)), n });
  const res = http.post(`${BASE_URL}/recommend/batch`, body, {
    headers: headers({ "Content-Type": "application/json" }),
    tags: { name: "POST /recommend/batch", endpoint: "batch", ...tags },
  });
  return verify(reply(res), batchCheckers(expected), tags);
}

/** A campaign of known products with a 10% holdout: the one route that merges audiences. */
export function postCampaign(data: SetupData, productIds: string[], n: number, tags: Tags = {}): boolean {
  const body = JSON.stringify({
    product_ids: productIds.map((id) => jsonId(id, data)),
    n,
    holdout_pct: 10,
    campaign: "k6-campaign",
  });
  const res = http.post(`${BASE_URL}/audience`, body, {
    headers: headers({ "Content-Type": "application/json" }),
    tags: { name: "POST /audience", endpoint: "campaign", ...tags },
  });
  return verify(reply(res), campaignCheckers(productIds, n), tags);
}

export function getSample(n: number, tags: Tags = {}): boolean {
  const res = http.get(`${BASE_URL}/products/sample?n=${n}`, {
    headers: headers(),
    tags: { name: "GET /products/sample", endpoint: "sample", ...tags },
  });
  return verify(reply(res), sampleCheckers(n), tags);
}

/**
 * One request of the mix: mostly known products, some new ones, a few batches, campaigns
 * and samples, now and then an explained audience or a search by name.
 */
export function journey(data: SetupData, tags: Tags = {}): void {
  const roll = Math.random();
  if (roll < 0.81) {
    getAudience({ productId: pick(data.productIds), n: chooseN(data), fallback: false }, tags);
  } else if (roll < 0.84) {
    getExplained({ productId: pick(data.productIds), n: chooseN(data), fallback: false }, tags);
  } else if (roll < 0.86 && data.searchTerms.length > 0) {
    getSearch(pick(data.searchTerms), 10, tags);
  } else if (roll < 0.93) {
    getAudience({ productId: unknownProductId(data), n: chooseN(data), fallback: true }, tags);
  } else if (roll < 0.97) {
    const n = chooseN(data);
    const expected = Array.from({ length: BATCH_SIZE }, () => ({
      productId: pick(data.productIds),
      n,
      fallback: false,
    }));
    postBatch(data, expected, tags);
  } else if (roll < 0.98) {
    const ids = Array.from({ length: CAMPAIGN_SIZE }, () => pick(data.productIds));
    postCampaign(data, ids, 100, tags);
  } else {
    getSample(10, tags);
  }
}

/** Smoke: every route and error path of the contract once, each answer checked. */
export function fullTour(data: SetupData): void {
  const known = data.productIds[0];
  const max = Math.max(...data.variants);

  const health = http.get(`${BASE_URL}/health`, { tags: { name: "GET /health", endpoint: "health" } });
  verify(reply(health), healthCheckers(), {});

  getSample(10);
  if (data.searchTerms.length > 0) getSearch(data.searchTerms[0], 10);
  getExplained({ productId: known, n: Math.min(10, max), fallback: false });
  for (const n of nChoices(data.variants)) getAudience({ productId: known, n, fallback: false });
  getAudience({ productId: unknownProductId(data), n: Math.min(10, max), fallback: true });

  const n = Math.min(10, max);
  postBatch(data, [
    ...data.productIds.slice(0, 3).map((productId) => ({ productId, n, fallback: false })),
    { productId: unknownProductId(data), n, fallback: true },
  ]);

  postCampaign(data, data.productIds.slice(0, 3), 50);

  const csv = http.get(`${BASE_URL}/recommend/${encodeURIComponent(known)}?n=5&format=csv`, {
    headers: headers({ Accept: "text/csv" }),
    tags: { name: "GET /recommend/:id?format=csv", endpoint: "recommend_csv" },
  });
  verify({ status: csv.status, body: csv.body }, csvCheckers(5), {});

  // Error answers are expected here: they must not count as failed requests.
  const expect = (status: number) => ({
    headers: headers(),
    responseCallback: http.expectedStatuses(status),
  });
  for (const bad of [0, max + 1]) {
    const res = http.get(`${BASE_URL}/recommend/${encodeURIComponent(known)}?n=${bad}`, {
      ...expect(422),
      tags: { name: "GET /recommend/:id (bad n)", endpoint: "errors" },
    });
    verify(reply(res), errorCheckers(`n=${bad > max ? "max+1" : bad}`, 422), {});
  }
  const missing = http.get(`${BASE_URL}/no-such-route`, {
    ...expect(404),
    tags: { name: "GET /no-such-route", endpoint: "errors" },
  });
  verify(reply(missing), errorCheckers("unknown route", 404), {});

  if (headers().Authorization) {
    const anonymous = http.get(`${BASE_URL}/recommend/${encodeURIComponent(known)}`, {
      responseCallback: http.expectedStatuses(401),
      tags: { name: "GET /recommend/:id (no key)", endpoint: "errors" },
    });
    verify(reply(anonymous), errorCheckers("no API key", 401), {});
  }
}
