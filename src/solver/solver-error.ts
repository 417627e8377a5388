/**
 * A request the solver cannot answer: bad input shapes or values, or a model that cannot be
 * evaluated (a covariance that is not positive definite). The message names the field and the
 * broken constraint, e.g. `x[3] must be 0 or 1` or `init.means must be k x d = 3 x 2`.
 * Non-convergence of EM is not an error: it is reported as `converged: false`.
 */
export class SolverError extends Error {
  override name = "SolverError";
}
