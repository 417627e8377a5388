import type { CovarianceType } from "./em-kernels";
import { checkCovarianceType, checkLogLikelihood, checkNonNegative, preparePassOrThrow } from "./em-step";
import { type MixtureParams, finishMStep, readMixture, shiftTooFar, writeMixture } from "./mixture";
import { createPassRunner } from "./pass-runner";
import { type Mat, type Vec, readPoints, toRows } from "./points";
import { SolverError } from "./solver-error";

/** A gmm-em request (CONTRACTS.md); x: n x d (a list of numbers means d = 1). */
export interface GmmEmRequest {
  x: Mat;
  covariance: CovarianceType;
  /** weights (k), means (k x d), variances (spherical: k; diag: k x d) or covariances (full: k x d x d) */
  init: MixtureParams;
  maxIter: number;
  tol: number;
  /** added to every variance in each M-step; default 0 */
  regCovar?: number;
  /** also return the n x k responsibilities under the returned parameters */
  responsibilities?: boolean;
}

export type GmmEmResult = {
  weights: Vec;
  means: Mat;
  variances?: Vec | Mat;
  covariances?: Mat[];
  /** total log-likelihood of the returned parameters */
  logLikelihood: number;
  iterations: number;
  converged: boolean;
  /** total log-likelihood of init and after each iteration: iterations + 1 values, the last is logLikelihood */
  logLikelihoodTrace: number[];
  /** n x k, when asked for */
  responsibilities?: Mat;
};

/**
 * EM for a Gaussian mixture from given initial parameters, with scikit-learn's stopping rule.
 * One iteration is an E-step then an M-step (fused into one pass over the data). Iteration t's
 * E-step gives the log-likelihood of the parameters before it; EM stops after maxIter iterations or
 * as soon as that log-likelihood per point changed by less than tol (in absolute value) from the
 * previous iteration's, so tol 0 runs exactly maxIter iterations. Non-convergence is reported as
 * `converged: false`, never thrown.
 * @returns the parameters after the last iteration, their logLikelihood (total over points),
 *   iterations, converged, logLikelihoodTrace (iterations + 1 values: init, then after each
 *   iteration; it never decreases) and, when asked, responsibilities (n x k) under the returned parameters.
 * @throws SolverError on bad input, or when a covariance stops being positive definite (use regCovar).
 * @example gmmEm({ x: [-1, -0.5, 2, 2.5], covariance: "spherical", maxIter: 10, tol: 1e-6,
 *   init: { weights: [0.5, 0.5], means: [[0], [1]], variances: [1, 1] } })
 */
export function gmmEm(req: GmmEmRequest): GmmEmResult {
  if (typeof req !== "object" || req === null) throw new SolverError("request must be an object");
  const type = checkCovarianceType(req.covariance);
  const { maxIter, tol } = req;
  if (!Number.isInteger(maxIter) || maxIter < 0) throw new SolverError("maxIter must be an integer >= 0");
  checkNonNegative(tol, "tol");
  const regCovar = checkNonNegative(req.regCovar ?? 0, "regCovar");
  const withResp = req.responsibilities ?? false;
  if (typeof withResp !== "boolean") throw new SolverError("responsibilities must be true or false");
  const points = readPoints(req.x);
  const { n, d } = points;
  let mix = readMixture(req.init, type, d, "init");
  const k = mix.k;

  const runner = createPassRunner(type, points, k, maxIter + 1, withResp);
  try {
    const trace: number[] = [];
    let converged = false;
    let iterations = 0;
    let previous = -Infinity;
    while (iterations < maxIter) {
      preparePassOrThrow(type, mix, runner, iterations === 0 ? "in init" : `after iteration ${iterations}`);
      const { logLikelihood, acc } = runner.run("stats");
      trace.push(checkLogLikelihood(logLikelihood, `at iteration ${iterations + 1}`));
      const shift = runner.input.shift;
      mix = finishMStep(type, acc as Float64Array, shift, k, d, regCovar);
      if (shiftTooFar(type, acc as Float64Array, mix)) {
        // Same E-step, statistics around the new means: exact to machine precision again.
        shift.set(mix.means);
        mix = finishMStep(type, runner.run("stats-shifted").acc as Float64Array, shift, k, d, regCovar);
      }
      iterations += 1;
      const mean = logLikelihood / n;
      const change = mean - previous;
      previous = mean;
      if (Math.abs(change) < tol) {
        converged = true;
        break;
      }
    }
    preparePassOrThrow(type, mix, runner, `after iteration ${iterations}`);
    const final = checkLogLikelihood(runner.run(withResp ? "resp" : "loglik").logLikelihood, `after iteration ${iterations}`);
    trace.push(final);
    const result: GmmEmResult = { ...writeMixture(mix, type), logLikelihood: final, iterations, converged, logLikelihoodTrace: trace };
    if (withResp) result.responsibilities = toRows(runner.resp as Float64Array, n, k);
    return result;
  } finally {
    runner.close();
  }
}
