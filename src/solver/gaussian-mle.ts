import { readScalars } from "./points";
import { SolverError } from "./solver-error";

/**
 * Univariate Gaussian MLE (MATH.md): mean = (1/n) sum x(i), variance = (1/n) sum (x(i) - mean)^2
 * (divides by n, not n - 1); logLikelihood = -(n/2) (ln(2 pi variance) + 1), the maximum of l(mu, sigma2).
 * @param x n numbers.
 * @throws SolverError when x is empty or all values are equal (the likelihood is then unbounded).
 * @example gaussianMle([1, 2, 3]) // { mean: 2, variance: 2/3, logLikelihood: -1.5 (ln(4 pi / 3) + 1) }
 */
export function gaussianMle(x: number[]): { mean: number; variance: number; logLikelihood: number } {
  const values = readScalars(x);
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i];
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i] - mean;
    ss += v * v;
  }
  const variance = ss / n;
  if (!(variance > 0)) {
    throw new SolverError("x must contain at least two distinct values: with variance 0 the Gaussian log-likelihood is unbounded");
  }
  return { mean, variance, logLikelihood: -(n / 2) * (Math.log(2 * Math.PI * variance) + 1) };
}
