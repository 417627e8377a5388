import { cholesky } from "./cholesky";
import { SolverError } from "./solver-error";

/** Relative tolerance for a covariance matrix to count as symmetric (like numpy's allclose). */
const SYMMETRY_RTOL = 1e-10;

/**
 * Checks that the d x d matrix at `off` of a flat array is symmetric and positive definite, and
 * writes its Cholesky factor into `l` at the same offset.
 * @throws SolverError naming `field`, e.g. `init.covariances[1] must be positive definite`.
 */
export function checkCovariance(cov: Float64Array, off: number, d: number, field: string, l: Float64Array): void {
  for (let a = 0; a < d; a++) {
    for (let b = 0; b < a; b++) {
      const u = cov[off + a * d + b];
      const v = cov[off + b * d + a];
      if (Math.abs(u - v) > SYMMETRY_RTOL * Math.max(Math.abs(u), Math.abs(v))) {
        throw new SolverError(`${field} must be symmetric: ${field}[${a}][${b}] = ${u} but ${field}[${b}][${a}] = ${v}`);
      }
    }
  }
  if (!cholesky(cov, off, d, l, off)) throw new SolverError(`${field} must be positive definite`);
}
