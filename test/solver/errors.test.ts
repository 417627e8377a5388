/** Bad requests fail with a SolverError whose one-line message names the field and the broken constraint. */
import { fullLogPdf, gaussianLogPdf, gmmKnownLabels, mStep, solve, SolverError } from "../../src/solver";

const em = (patch: Record<string, unknown>, init: Record<string, unknown> = {}) => ({
  task: "gmm-em",
  x: [[0, 0], [1, 1], [2, 0], [5, 5], [6, 5]],
  covariance: "spherical",
  init: { weights: [0.5, 0.5], means: [[0, 0], [5, 5]], variances: [1, 1], ...init },
  maxIter: 10,
  tol: 1e-6,
  ...patch,
});
const full = (covariances: unknown) => em({ covariance: "full" }, { variances: undefined, covariances });

const CASES: [string, unknown, string][] = [
  ["not an object", [1, 2], 'request must be a JSON object with a "task" field (one of bernoulli, gaussian, spherical-gaussian, gaussian-full, gmm-known-labels, gmm-em)'],
  ["unknown task", { task: "poisson", x: [1] }, 'task must be one of "bernoulli", "gaussian", "spherical-gaussian", "gaussian-full", "gmm-known-labels", "gmm-em"'],
  ["missing task", { x: [1] }, "task is required"],
  ["missing x", { task: "gaussian" }, "x is required"],
  ["x not a list", { task: "gaussian", x: "1,2" }, "x must be a list"],
  ["unknown field", { task: "gaussian", x: [1, 2], max_iter: 3 }, 'request has unknown field "max_iter"'],
  ["bernoulli value", { task: "bernoulli", x: [0, 1, 1, 2] }, "x[3] must be 0 or 1"],
  ["non-number", { task: "gaussian", x: [1, "2"] }, "x[1] must be a finite number"],
  ["empty x", { task: "gaussian", x: [] }, "x must contain at least one point"],
  ["vectors for a 1-D task", { task: "gaussian", x: [[1, 2]] }, "x must be a list of numbers (1-D data), not of 2-vectors"],
  ["ragged rows", { task: "spherical-gaussian", x: [[1, 2], [3]] }, "x[1] must be a list of d = 2 numbers (like x[0])"],
  ["non-number entry", { task: "gaussian-full", x: [[1, 2], [3, null]] }, "x[1][1] must be a finite number"],
  ["constant data", { task: "gaussian", x: [2, 2, 2] }, "x must contain at least two distinct values: with variance 0 the Gaussian log-likelihood is unbounded"],
  ["singular covariance", { task: "gaussian-full", x: [[0, 0], [1, 1], [2, 2]] }, "x must contain at least d + 1 = 3 points not on a common hyperplane: the MLE covariance is singular and the log-likelihood unbounded"],
  ["k not an integer", { task: "gmm-known-labels", x: [1, 2], labels: [0, 1], k: 1.5 }, "k must be an integer >= 1"],
  ["k = 0", { task: "gmm-known-labels", x: [1, 2], labels: [0, 1], k: 0 }, "k must be an integer >= 1"],
  ["label out of range", { task: "gmm-known-labels", x: [1, 2, 3], labels: [0, 1, 2], k: 2 }, "labels[2] must be an integer in 0..k-1 = 0..1"],
  ["labels length", { task: "gmm-known-labels", x: [1, 2, 3], labels: [0, 1], k: 2 }, "labels must be a list of n = 3 integers (one per point of x)"],
  ["empty cluster", { task: "gmm-known-labels", x: [1, 2, 3], labels: [0, 0, 0], k: 2 }, "labels must give every component at least one point: component 1 has none"],
  ["covariance type", em({ covariance: "tied" }), 'covariance must be one of "spherical", "diag", "full"'],
  ["maxIter negative", em({ maxIter: -1 }), "maxIter must be an integer >= 0"],
  ["maxIter fractional", em({ maxIter: 2.5 }), "maxIter must be an integer >= 0"],
  ["tol negative", em({ tol: -1 }), "tol must be a number >= 0"],
  ["tol a string", em({ tol: "0" }), "tol must be a number >= 0"],
  ["regCovar negative", em({ regCovar: -1e-6 }), "regCovar must be a number >= 0"],
  ["responsibilities", em({ responsibilities: "yes" }), "responsibilities must be true or false"],
  ["init missing", em({ init: undefined }), "init is required"],
  ["init unknown field", em({}, { cov: 1 }), 'init has unknown field "cov"'],
  ["means shape", em({}, { means: [[0, 0], [5]] }), "init.means must be k x d = 2 x 2"],
  ["means count", em({}, { means: [[0, 0]] }), "init.means must be k x d = 2 x 2"],
  ["weights sum", em({}, { weights: [0.5, 0.6] }), "init.weights must sum to 1 (they sum to 1.1)"],
  ["weights negative", em({}, { weights: [1.5, -0.5] }), "init.weights[1] must be >= 0"],
  ["variances length", em({}, { variances: [1] }), "init.variances must be a list of k = 2 numbers"],
  ["variance zero", em({}, { variances: [1, 0] }), "init.variances[1] must be > 0 (a variance)"],
  ["diag variances shape", em({ covariance: "diag" }), "init.variances must be k x d = 2 x 2"],
  ["variances for full", em({ covariance: "full" }), 'init.covariances is required for covariance "full" (k x d x d = 2 x 2 x 2); init.variances belongs to covariance "spherical" or "diag"'],
  ["covariances shape", full([[[1, 0], [0, 1]]]), "init.covariances must be k x d x d = 2 x 2 x 2"],
  ["covariance not symmetric", full([[[1, 0.5], [0, 1]], [[1, 0], [0, 1]]]), "init.covariances[0] must be symmetric: init.covariances[0][1][0] = 0 but init.covariances[0][0][1] = 0.5"],
  ["covariance not PD", full([[[1, 0], [0, 1]], [[1, 2], [2, 1]]]), "init.covariances[1] must be positive definite"],
];

describe("solve rejects bad requests with a message naming the field", () => {
  test.each(CASES)("%s", (_name, request, message) => {
    let error: unknown;
    try {
      solve(request);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SolverError);
    expect((error as Error).message).toBe(message);
    expect((error as Error).message).not.toContain("\n");
  });
});

test("the functions check their arguments too", () => {
  expect(() => gaussianLogPdf(0, 0, 0)).toThrow(new SolverError("variance must be > 0"));
  expect(() => fullLogPdf([0, 0], [0], [[1, 0], [0, 1]])).toThrow(new SolverError("mean must be a list of d = 2 numbers"));
  expect(() => gmmKnownLabels([[0], [0], [1], [2]], [0, 0, 1, 1], 2)).toThrow(new SolverError("component 0 has variance 0 (all its points are equal): its log-likelihood is unbounded"));
  expect(() => mStep([[0], [1]], [[1, 0]], "spherical")).toThrow(new SolverError("responsibilities must be n x k = 2 x k (one row per point of x)"));
  expect(() => mStep([[0], [1]], [[1, 0], [-0.5, 1]], "spherical")).toThrow(new SolverError("responsibilities[1][0] must be >= 0"));
});
