import { type Value } from "./shape";

/** Default relative tolerance of a part (1%); an assignment item may override it. */
export const DEFAULT_RTOL = 1e-2;
/** Default absolute tolerance of a part; an assignment item may override it. */
export const DEFAULT_ATOL = 1e-8;

/**
 * numpy's `isclose`: `|a - b| <= atol + rtol * |b|`, where `b` is the reference (the key).
 * NaN is never close to anything; equal infinities are close.
 *
 * @example isClose(1.005, 1) // true with the 1% default
 */
export function isClose(a: number, b: number, rtol: number = DEFAULT_RTOL, atol: number = DEFAULT_ATOL): boolean {
  if (typeof a !== "number" || typeof b !== "number" || Number.isNaN(a) || Number.isNaN(b)) return false;
  if (a === b) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= atol + rtol * Math.abs(b);
}

/**
 * True when `a` and `b` have the same shape (both scalars, both vectors of one length, or both
 * matrices of the same rows x cols) and every entry of `a` is close to the entry of `b`.
 */
export function allClose(a: Value, b: Value, rtol: number = DEFAULT_RTOL, atol: number = DEFAULT_ATOL): boolean {
  if (typeof a === "number" || typeof b === "number") {
    return typeof a === "number" && typeof b === "number" && isClose(a, b, rtol, atol);
  }
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x: unknown = a[i];
    const y: unknown = b[i];
    if (Array.isArray(x) || Array.isArray(y)) {
      if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return false;
      for (let j = 0; j < x.length; j++) {
        if (Array.isArray(x[j]) || Array.isArray(y[j])) return false;
        if (!isClose(x[j] as number, y[j] as number, rtol, atol)) return false;
      }
    } else if (!isClose(x as number, y as number, rtol, atol)) {
      return false;
    }
  }
  return true;
}

/**
 * Sum over entries of the relative error `|a - b| / max(|b|, atol)`; Infinity when the shapes
 * differ. Used to break ties between equally good permutations.
 */
export function totalRelativeError(a: Value, b: Value, atol: number = DEFAULT_ATOL): number {
  if (typeof a === "number" || typeof b === "number") {
    if (typeof a !== "number" || typeof b !== "number") return Infinity;
    return entryError(a, b, atol);
  }
  if (a.length !== b.length) return Infinity;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const x: unknown = a[i];
    const y: unknown = b[i];
    if (Array.isArray(x) && Array.isArray(y)) {
      if (x.length !== y.length) return Infinity;
      for (let j = 0; j < x.length; j++) sum += entryError(x[j] as number, y[j] as number, atol);
    } else if (!Array.isArray(x) && !Array.isArray(y)) {
      sum += entryError(x as number, y as number, atol);
    } else {
      return Infinity;
    }
  }
  return sum;
}

function entryError(a: number, b: number, atol: number): number {
  if (a === b) return 0;
  const e = Math.abs(a - b) / Math.max(Math.abs(b), atol, Number.MIN_VALUE);
  return Number.isNaN(e) ? Infinity : e;
}
