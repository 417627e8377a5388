import { invertLower, logDetFromCholesky } from "./cholesky";
import { type Mat, type Vec, readMatrix, readVector } from "./points";
import { checkCovariance } from "./read-covariance";
import { SolverError } from "./solver-error";

const LOG_2PI = Math.log(2 * Math.PI);

function checkScalar(value: number, field: string, positive = false): void {
  if (typeof value !== "number" || !Number.isFinite(value)) throw new SolverError(`${field} must be a finite number`);
  if (positive && !(value > 0)) throw new SolverError(`${field} must be > 0`);
}

/**
 * ln N(x | mean, variance) = -(1/2) (ln(2 pi variance) + (x - mean)^2 / variance), univariate.
 * @throws SolverError when an argument is not finite or variance <= 0.
 * @example gaussianLogPdf(0, 0, 1) // -0.9189385332046727
 */
export function gaussianLogPdf(x: number, mean: number, variance: number): number {
  checkScalar(x, "x");
  checkScalar(mean, "mean");
  checkScalar(variance, "variance", true);
  const v = x - mean;
  return -0.5 * (LOG_2PI + Math.log(variance) + (v * v) / variance);
}

/**
 * ln N(x | mean, variance I) = -(d/2) ln(2 pi variance) - ||x - mean||^2 / (2 variance).
 * @param x point (d); @param mean (d); @param variance sigma2 > 0.
 * @throws SolverError on length mismatch, non-finite entries or variance <= 0.
 * @example sphericalLogPdf([0, 0], [0, 0], 1) // -ln(2 pi)
 */
export function sphericalLogPdf(x: Vec, mean: Vec, variance: number): number {
  const xv = readVector(x, "x");
  const d = xv.length;
  const mv = readVector(mean, "mean", d, "d");
  checkScalar(variance, "variance", true);
  let s = 0;
  for (let t = 0; t < d; t++) {
    const v = xv[t] - mv[t];
    s += v * v;
  }
  return -0.5 * (d * (LOG_2PI + Math.log(variance)) + s / variance);
}

/**
 * ln N(x | mean, covariance) = -(1/2) (d ln(2 pi) + ln |covariance| + ||L^-1 (x - mean)||^2),
 * computed through the Cholesky factor covariance = L L^T (no explicit inverse or determinant).
 * @param x point (d); @param mean (d); @param covariance (d x d) symmetric positive definite.
 * @throws SolverError on shape mismatch, asymmetry or a covariance that is not positive definite.
 * @example fullLogPdf([0, 0], [0, 0], [[1, 0], [0, 1]]) // -ln(2 pi)
 */
export function fullLogPdf(x: Vec, mean: Vec, covariance: Mat): number {
  const xv = readVector(x, "x");
  const d = xv.length;
  const mv = readVector(mean, "mean", d, "d");
  const cov = readMatrix(covariance, "covariance", d, d, "d x d");
  const l = new Float64Array(d * d);
  checkCovariance(cov, 0, d, "covariance", l);
  const w = new Float64Array(d * d);
  invertLower(l, 0, d, w, 0);
  let maha = 0;
  for (let a = 0; a < d; a++) {
    let s = 0;
    for (let b = 0; b <= a; b++) s += w[a * d + b] * (xv[b] - mv[b]);
    maha += s * s;
  }
  return -0.5 * (d * LOG_2PI + logDetFromCholesky(l, 0, d) + maha);
}
