// The campaign's effect as the contract defines it: conversion rates of the targeted and
// holdout groups, uplift (difference of rates) with a normal-approximation 95% interval,
// lift (ratio of rates − 1). Pure arithmetic, so the tests can check it by hand.

export interface Group {
  customers: number;
  converted: number;
  /** converted / customers; null for an empty group. */
  rate: number | null;
}

export interface Effect {
  targeted: Group;
  holdout: Group;
  /** r_t − r_h; null when either group is empty. */
  uplift: number | null;
  /** r_t / r_h − 1; null when r_h is 0 (or a group is empty). */
  lift: number | null;
  /** uplift ± 1.96 · sqrt(r_t(1−r_t)/n_t + r_h(1−r_h)/n_h); null when uplift is. */
  ci95: [number, number] | null;
  /** The interval excludes 0. */
  significant: boolean;
}

// The contract's constant (not the exact quantile), so anyone can recompute the interval.
const Z95 = 1.96;
// One-sided 80% power: the usual companion of a 95% two-sided test when sizing groups.
const Z80 = 0.8416212335729143;

export function group(customers: number, converted: number): Group {
  return { customers, converted, rate: customers > 0 ? converted / customers : null };
}

export function effect(targeted: Group, holdout: Group): Effect {
  const rt = targeted.rate;
  const rh = holdout.rate;
  if (rt === null || rh === null)
    return { targeted, holdout, uplift: null, lift: null, ci95: null, significant: false };
  const uplift = rt - rh;
  const se = Math.sqrt((rt * (1 - rt)) / targeted.customers + (rh * (1 - rh)) / holdout.customers);
  const ci95: [number, number] = [uplift - Z95 * se, uplift + Z95 * se];
  return {
    targeted,
    holdout,
    uplift,
    lift: rh === 0 ? null : rt / rh - 1,
    ci95,
    significant: ci95[0] > 0 || ci95[1] < 0,
  };
}

/**
 * The smallest uplift these group sizes would detect with 95% confidence and 80% power,
 * at the pooled conversion rate: (1.96 + 0.84) · sqrt(p(1−p)(1/n_t + 1/n_h)). Null when
 * a group is empty or nobody converted (no rate to size against).
 */
export function minimumDetectableUplift(targeted: Group, holdout: Group): number | null {
  if (targeted.customers === 0 || holdout.customers === 0) return null;
  const p = (targeted.converted + holdout.converted) / (targeted.customers + holdout.customers);
  if (p === 0) return null;
  return (Z95 + Z80) * Math.sqrt(p * (1 - p) * (1 / targeted.customers + 1 / holdout.customers));
}
