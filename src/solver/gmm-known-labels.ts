import { type Mat, type Vec, readPoints, toRows } from "./points";
import { SolverError } from "./solver-error";

/**
 * MLE of a mixture of spherical Gaussians when every point's component is known (MATH.md):
 * n_j = sum_i delta(j|i), gamma_j = n_j / n, mu(j) = (1/n_j) sum_i delta(j|i) x(i),
 * sigma2_j = (1/(d n_j)) sum_i delta(j|i) ||x(i) - mu(j)||^2.
 * logLikelihood is the complete-data objective sum_i ln(gamma_z(i) N(x(i) | mu(z(i)), sigma2_z(i) I)),
 * which at these estimates equals sum_j [n_j ln gamma_j - (n_j d / 2)(ln(2 pi sigma2_j) + 1)].
 * @param x n x d data (a list of numbers means d = 1).
 * @param labels n component indices z(i) in 0..k-1.
 * @param k number of components.
 * @returns counts (k), weights (k), means (k x d), variances (k), logLikelihood.
 * @throws SolverError on bad labels, an empty component, or a component whose points are all equal.
 * @example gmmKnownLabels([[0], [2], [10], [12]], [0, 0, 1, 1], 2).means // [[1], [11]]
 */
export function gmmKnownLabels(
  x: Mat,
  labels: number[],
  k: number,
): { counts: Vec; weights: Vec; means: Mat; variances: Vec; logLikelihood: number } {
  if (!Number.isInteger(k) || k < 1) throw new SolverError("k must be an integer >= 1");
  const { n, d, x: flat } = readPoints(x);
  if (!Array.isArray(labels) || labels.length !== n) throw new SolverError(`labels must be a list of n = ${n} integers (one per point of x)`);
  const z = new Int32Array(n);
  const counts = new Float64Array(k);
  const sums = new Float64Array(k * d);
  for (let i = 0; i < n; i++) {
    const j: unknown = labels[i];
    if (typeof j !== "number" || !Number.isInteger(j) || j < 0 || j >= k) {
      throw new SolverError(`labels[${i}] must be an integer in 0..k-1 = 0..${k - 1}`);
    }
    z[i] = j;
    counts[j] += 1;
    const o = i * d;
    for (let t = 0; t < d; t++) sums[j * d + t] += flat[o + t];
  }
  for (let j = 0; j < k; j++) {
    if (counts[j] === 0) throw new SolverError(`labels must give every component at least one point: component ${j} has none`);
    for (let t = 0; t < d; t++) sums[j * d + t] /= counts[j];
  }
  const means = sums;
  const ss = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const j = z[i];
    const o = i * d;
    let s = 0;
    for (let t = 0; t < d; t++) {
      const v = flat[o + t] - means[j * d + t];
      s += v * v;
    }
    ss[j] += s;
  }
  const weights = new Array<number>(k);
  const variances = new Array<number>(k);
  let logLikelihood = 0;
  for (let j = 0; j < k; j++) {
    const nj = counts[j];
    const variance = ss[j] / (d * nj);
    if (!(variance > 0)) {
      throw new SolverError(`component ${j} has variance 0 (all its points are equal): its log-likelihood is unbounded`);
    }
    weights[j] = nj / n;
    variances[j] = variance;
    logLikelihood += nj * Math.log(weights[j]) - ((nj * d) / 2) * (Math.log(2 * Math.PI * variance) + 1);
  }
  return { counts: Array.from(counts), weights, means: toRows(means, k, d), variances, logLikelihood };
}
