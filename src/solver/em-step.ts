import { type CovarianceType, statsStride } from "./em-kernels";
import { type FlatMixture, type MixtureParams, NK_EPSILON, finishMStep, preparePass, readMixture, writeMixture } from "./mixture";
import { createPassRunner, type PassRunner } from "./pass-runner";
import { type Mat, type Points, readPoints, toRows } from "./points";
import { SolverError } from "./solver-error";

export const COVARIANCE_TYPES: readonly CovarianceType[] = ["spherical", "diag", "full"];

/** @throws SolverError unless `value` is one of the covariance types. */
export function checkCovarianceType(value: unknown, field = "covariance"): CovarianceType {
  if (!COVARIANCE_TYPES.includes(value as CovarianceType)) {
    throw new SolverError(`${field} must be one of "spherical", "diag", "full"`);
  }
  return value as CovarianceType;
}

/** @throws SolverError unless `value` is a finite number >= 0. */
export function checkNonNegative(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) throw new SolverError(`${field} must be a number >= 0`);
  return value;
}

/**
 * Fills the runner's pass input from `mix`.
 * @throws SolverError when a covariance is not positive definite, suggesting regCovar.
 */
export function preparePassOrThrow(type: CovarianceType, mix: FlatMixture, runner: PassRunner, when: string): void {
  const j = preparePass(type, mix, runner.input);
  if (j >= 0) {
    throw new SolverError(
      `the covariance of component ${j} is not positive definite ${when} (the component has collapsed onto too few distinct points); set regCovar (e.g. 1e-6) to regularize the covariances`,
    );
  }
}

/** @throws SolverError when a pass produced a log-likelihood that is not finite. */
export function checkLogLikelihood(value: number, when: string): number {
  if (!Number.isFinite(value)) {
    throw new SolverError(`the log-likelihood is not finite ${when}: some points are too far from every component for double precision`);
  }
  return value;
}

/**
 * E-step: responsibilities p(j | i) = w_j N(x(i) | j) / sum_l w_l N(x(i) | l), computed in log space
 * with log-sum-exp, and the log-likelihood sum_i ln sum_j w_j N(x(i) | j) of `params`.
 * @param x data, n x d (a list of numbers means d = 1).
 * @param params weights (k), means (k x d), variances (spherical: k; diag: k x d) or covariances (full: k x d x d).
 * @returns responsibilities (n x k, rows sum to 1) and logLikelihood (total over the n points).
 * @throws SolverError naming the bad field, e.g. `params.means must be k x d = 3 x 2`.
 */
export function eStep(x: Mat, params: MixtureParams, covariance: CovarianceType): { responsibilities: Mat; logLikelihood: number } {
  const type = checkCovarianceType(covariance);
  const points = readPoints(x);
  const mix = readMixture(params, type, points.d, "params");
  const runner = createPassRunner(type, points, mix.k, 1, true);
  try {
    preparePassOrThrow(type, mix, runner, "in params");
    const { logLikelihood } = runner.run("resp");
    return { responsibilities: toRows(runner.resp as Float64Array, points.n, mix.k), logLikelihood: checkLogLikelihood(logLikelihood, "for params") };
  } finally {
    runner.close();
  }
}

/**
 * The M-step statistics of explicit responsibilities, shifted by `shift` (layout in em-kernels.ts).
 * resp: n x k flat; shift: k x d.
 */
function accumulateStats(type: CovarianceType, points: Points, resp: Float64Array, k: number, shift: Float64Array): Float64Array {
  const { n, d, x } = points;
  const stride = statsStride(type, d);
  const acc = new Float64Array(k * stride);
  const v = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const r = resp[i * k + j];
      const a = j * stride;
      acc[a] += r;
      for (let t = 0; t < d; t++) {
        v[t] = x[i * d + t] - shift[j * d + t];
        acc[a + 1 + t] += r * v[t];
      }
      const s2 = a + 1 + d;
      for (let p = 0; p < d; p++) {
        if (type === "spherical") acc[s2] += r * v[p] * v[p];
        else if (type === "diag") acc[s2 + p] += r * v[p] * v[p];
        else for (let q = 0; q <= p; q++) acc[s2 + p * d + q] += r * v[p] * v[q];
      }
    }
  }
  return acc;
}

/**
 * M-step from given responsibilities, as in MATH.md with scikit-learn's safeguards:
 * nk_j = sum_i r_ij + 10 eps, weights = nk / sum nk, means_j = sum_i r_ij x(i) / nk_j,
 * covariance_j = sum_i r_ij (x(i) - mean_j)(x(i) - mean_j)^T / nk_j + regCovar I, restricted to its
 * diagonal for "diag" and to the mean of that diagonal for "spherical".
 * @param x data, n x d; @param responsibilities n x k, entries >= 0.
 * @param regCovar added to every variance (default 0).
 * @returns weights (k), means (k x d), variances (spherical: k; diag: k x d) or covariances (full: k x d x d).
 * @throws SolverError on bad shapes or values.
 */
export function mStep(x: Mat, responsibilities: Mat, covariance: CovarianceType, regCovar = 0): MixtureParams {
  const type = checkCovarianceType(covariance);
  checkNonNegative(regCovar, "regCovar");
  const points = readPoints(x);
  const { n, d } = points;
  const r = readPoints(responsibilities, "responsibilities");
  if (r.n !== n) throw new SolverError(`responsibilities must be n x k = ${n} x k (one row per point of x)`);
  const k = r.d;
  const resp = r.x;
  for (let i = 0; i < resp.length; i++) {
    if (resp[i] < 0) throw new SolverError(`responsibilities[${Math.floor(i / k)}][${i % k}] must be >= 0`);
  }
  // Two passes: the means first, then the statistics around them (no cancellation).
  const shift = new Float64Array(k * d);
  const nk = new Float64Array(k).fill(NK_EPSILON);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const w = resp[i * k + j];
      nk[j] += w;
      for (let t = 0; t < d; t++) shift[j * d + t] += w * points.x[i * d + t];
    }
  }
  for (let j = 0; j < k; j++) for (let t = 0; t < d; t++) shift[j * d + t] /= nk[j];
  const acc = accumulateStats(type, points, resp, k, shift);
  return writeMixture(finishMStep(type, acc, shift, k, d, regCovar), type);
}

/**
 * Log-likelihood sum_i ln sum_j w_j N(x(i) | mean_j, covariance_j) of mixture parameters (total over points).
 * @param x data, n x d; @param params as for eStep.
 */
export function mixtureLogLikelihood(x: Mat, params: MixtureParams, covariance: CovarianceType): number {
  const type = checkCovarianceType(covariance);
  const points = readPoints(x);
  const mix = readMixture(params, type, points.d, "params");
  const runner = createPassRunner(type, points, mix.k, 1, false);
  try {
    preparePassOrThrow(type, mix, runner, "in params");
    return checkLogLikelihood(runner.run("loglik").logLikelihood, "for params");
  } finally {
    runner.close();
  }
}
