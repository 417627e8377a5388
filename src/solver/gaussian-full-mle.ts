import { cholesky, logDetFromCholesky } from "./cholesky";
import { type Mat, type Vec, readPoints, toRows } from "./points";
import { SolverError } from "./solver-error";
import { columnMeans } from "./spherical-gaussian-mle";

/**
 * Multivariate Gaussian MLE with a full covariance (MATH.md): mean = (1/n) sum x(i),
 * covariance = (1/n) sum (x(i) - mean)(x(i) - mean)^T; at the maximum the quadratic terms sum
 * to n d, so logLikelihood = -(n/2) (d ln(2 pi) + ln |covariance| + d).
 * @param x n x d data (a list of numbers means d = 1).
 * @returns mean (d), covariance (d x d), logLikelihood.
 * @throws SolverError on bad shapes or a singular covariance (fewer than d + 1 points in general position).
 * @example gaussianFullMle([[0, 0], [2, 0], [0, 2]]).covariance // [[8/9, -4/9], [-4/9, 8/9]]
 */
export function gaussianFullMle(x: Mat): { mean: Vec; covariance: Mat; logLikelihood: number } {
  const { n, d, x: flat } = readPoints(x);
  const mean = columnMeans(flat, n, d);
  const cov = new Float64Array(d * d);
  const diff = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let t = 0; t < d; t++) diff[t] = flat[o + t] - mean[t];
    for (let a = 0; a < d; a++) {
      const va = diff[a];
      const row = a * d;
      for (let b = 0; b <= a; b++) cov[row + b] += va * diff[b];
    }
  }
  for (let a = 0; a < d; a++) {
    for (let b = 0; b <= a; b++) {
      cov[a * d + b] /= n;
      cov[b * d + a] = cov[a * d + b];
    }
  }
  const l = new Float64Array(d * d);
  if (!cholesky(cov, 0, d, l, 0)) {
    throw new SolverError(
      `x must contain at least d + 1 = ${d + 1} points not on a common hyperplane: the MLE covariance is singular and the log-likelihood unbounded`,
    );
  }
  const logLikelihood = -(n / 2) * (d * Math.log(2 * Math.PI) + logDetFromCholesky(l, 0, d) + d);
  return { mean: Array.from(mean), covariance: toRows(cov, d, d), logLikelihood };
}
