import { type Mat, type Vec, readPoints } from "./points";
import { SolverError } from "./solver-error";

/** Per-coordinate mean of flat data (x: n x d) into a new vector (d). */
export function columnMeans(x: Float64Array, n: number, d: number): Float64Array {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let t = 0; t < d; t++) mean[t] += x[o + t];
  }
  for (let t = 0; t < d; t++) mean[t] /= n;
  return mean;
}

/**
 * Spherical Gaussian MLE, Sigma = sigma2 I (MATH.md): mean = (1/n) sum x(i),
 * variance = sum ||x(i) - mean||^2 / (n d); logLikelihood = -(n d / 2) (ln(2 pi variance) + 1).
 * The variance equals the mean of the per-coordinate MLE variances.
 * @param x n x d data (a list of numbers means d = 1).
 * @returns mean (d), variance, logLikelihood.
 * @throws SolverError on bad shapes or when all points are equal (variance 0).
 * @example sphericalGaussianMle([[0, 0], [2, 0]]) // { mean: [1, 0], variance: 0.5, ... }
 */
export function sphericalGaussianMle(x: Mat): { mean: Vec; variance: number; logLikelihood: number } {
  const { n, d, x: flat } = readPoints(x);
  const mean = columnMeans(flat, n, d);
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let t = 0; t < d; t++) {
      const v = flat[o + t] - mean[t];
      ss += v * v;
    }
  }
  const variance = ss / (n * d);
  if (!(variance > 0)) {
    throw new SolverError("x must contain at least two distinct points: with variance 0 the log-likelihood is unbounded");
  }
  return { mean: Array.from(mean), variance, logLikelihood: -((n * d) / 2) * (Math.log(2 * Math.PI * variance) + 1) };
}
