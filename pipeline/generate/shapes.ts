// Shapes of generated logs (docs/model.md, "Generator shapes"): the default matches the
// real export's published figures; the others move one property each, so a model change
// is judged on more than one kind of data (a gain on one generator alone may be tuning).
import { cumulativeOf } from "./random.js";

export interface Shape {
  description: string;
  /** Chance a visit picks within the customer's home model family, else within the brand (cumulative). */
  inFamily: number;
  inBrand: number;
  /** Interactions per customer: shares of 1, 2, 3, 4, 5 and more than 5 (cumulative). */
  activity: Float64Array;
  /** Catalog size per clean row: more products for the same rows is a longer tail. */
  productsPerRow: number;
}

const PUBLISHED_ACTIVITY = [0.8878, 0.0925, 0.013, 0.0037, 0.0015, 0.0015];

export const SHAPES = {
  default: {
    description: "the real export's published figures (88.78% one-time customers, cart-heavy mix)",
    inFamily: 0.5,
    inBrand: 0.8,
    activity: cumulativeOf(PUBLISHED_ACTIVITY),
    productsPerRow: 0.49,
  },
  loyal: {
    description: "stronger category loyalty: 80% of visits in the home family, 15% elsewhere in the brand",
    inFamily: 0.8,
    inBrand: 0.95,
    activity: cumulativeOf(PUBLISHED_ACTIVITY),
    productsPerRow: 0.49,
  },
  fickle: {
    description: "weaker category loyalty: 20% of visits in the home family, 20% in the brand, 60% anywhere",
    inFamily: 0.2,
    inBrand: 0.4,
    activity: cumulativeOf(PUBLISHED_ACTIVITY),
    productsPerRow: 0.49,
  },
  repeat: {
    description: "more repeat buyers: 75% one-time customers instead of 88.78%",
    inFamily: 0.5,
    inBrand: 0.8,
    activity: cumulativeOf([0.75, 0.17, 0.05, 0.015, 0.0075, 0.0075]),
    productsPerRow: 0.49,
  },
  longtail: {
    description: "a longer tail of products: 0.9 products per row instead of 0.49",
    inFamily: 0.5,
    inBrand: 0.8,
    activity: cumulativeOf(PUBLISHED_ACTIVITY),
    productsPerRow: 0.9,
  },
} as const satisfies Record<string, Shape>;

export type ShapeName = keyof typeof SHAPES;
export const SHAPE_NAMES = Object.keys(SHAPES) as ShapeName[];

export function isShapeName(name: string): name is ShapeName {
  return Object.hasOwn(SHAPES, name);
}
