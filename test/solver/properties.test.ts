/**
 * The solver's mathematical properties (STYLE.md habit 10), checked on random data with fast-check:
 * EM never lowers the log-likelihood, a one-component mixture is the single-Gaussian MLE, the
 * M-step with one-hot responsibilities is the known-label MLE, and more.
 */
import fc from "fast-check";
import {
  type CovarianceType,
  eStep,
  gaussianFullMle,
  gaussianMle,
  gmmEm,
  gmmKnownLabels,
  type Mat,
  type MixtureParams,
  mStep,
  mixtureLogLikelihood,
  SolverError,
  sphericalGaussianMle,
} from "../../src/solver";
import { expectClose } from "./close";

const TYPES: CovarianceType[] = ["spherical", "diag", "full"];

/** A fixed pseudo-random jitter in [0, 1e-2) for coordinate t of point i, so shrunk cases stay in general position. */
const jitter = (i: number, t: number) => {
  const h = Math.sin(i * 12.9898 + t * 78.233 + 1) * 43758.5453;
  return (h - Math.floor(h)) * 1e-2;
};

/** n x d points with coordinates in [-10, 10] on a 1e-3 grid, plus a jitter (distinct points). */
const points = (minN: number, maxN: number, d: number) =>
  fc.array(fc.array(fc.integer({ min: -10000, max: 10000 }), { minLength: d, maxLength: d }), { minLength: minN, maxLength: maxN }).map((rows) =>
    rows.map((row, i) => row.map((v, t) => v / 1000 + jitter(i, t))),
  );

/** Mixture parameters of k components in d dimensions, means among the data's range. */
function initFor(type: CovarianceType, k: number, d: number, seed: number[]): MixtureParams {
  const u = (i: number) => seed[i % seed.length];
  const raw = Array.from({ length: k }, (_, j) => 1 + u(j));
  const total = raw.reduce((a, b) => a + b, 0);
  const means = Array.from({ length: k }, (_, j) => Array.from({ length: d }, (_, t) => (u(j * d + t + 3) - 0.5) * 16));
  const variance = (j: number) => 0.5 + 4 * u(j + 7);
  const params: MixtureParams = { weights: raw.map((w) => w / total), means };
  if (type === "spherical") params.variances = Array.from({ length: k }, (_, j) => variance(j));
  else if (type === "diag") params.variances = Array.from({ length: k }, (_, j) => Array.from({ length: d }, (_, t) => variance(j + t)));
  else
    params.covariances = Array.from({ length: k }, (_, j) => {
      // Equal off-diagonals of 0.3 x the smallest variance keep the matrix diagonally dominant (d <= 3).
      const diagonal = Array.from({ length: d }, (_, a) => variance(j + a));
      const c = 0.3 * Math.min(...diagonal);
      return diagonal.map((v, a) => diagonal.map((_, b) => (a === b ? v : c)));
    });
  return params;
}

const mixtureCase = fc.record({
  type: fc.constantFrom(...TYPES),
  d: fc.integer({ min: 1, max: 3 }),
  k: fc.integer({ min: 1, max: 3 }),
  seed: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 12, maxLength: 12 }),
}).chain((c) => points(3 * c.k + 2, 40, c.d).map((x) => ({ ...c, x })));

/** Determinant of a small square matrix by Gaussian elimination with partial pivoting. */
function det(m: number[][]): number {
  const a = m.map((row) => [...row]);
  let out = 1;
  for (let c = 0; c < a.length; c++) {
    let p = c;
    for (let r = c + 1; r < a.length; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    if (p !== c) [a[p], a[c], out] = [a[c], a[p], -out];
    out *= a[c][c];
    for (let r = c + 1; r < a.length; r++) {
      const f = a[r][c] / a[c][c];
      for (let q = c; q < a.length; q++) a[r][q] -= f * a[c][q];
    }
  }
  return out;
}

/**
 * Whether a component has collapsed onto (nearly) one point or a lower-dimensional set: its
 * geometric-mean variance is below 1e-8 (the data's jitter alone gives about 1e-5), or its
 * covariance is nearly singular (det / product of the variances below 1e-9). Its likelihood then
 * grows without bound and rounding dominates, in any implementation.
 */
function collapsed(result: ReturnType<typeof gmmEm>): boolean {
  if (result.covariances) {
    return result.covariances.some((c) => {
      const variances = c.map((row, a) => row[a]);
      return Math.min(...variances) < 1e-8 || det(c) / variances.reduce((a, b) => a * b, 1) < 1e-9;
    });
  }
  const spreads = (result.variances as (number | number[])[]).map((v) => (Array.isArray(v) ? Math.min(...v) : v));
  return Math.min(...spreads) < 1e-8;
}

/** Runs EM; null (no verdict) when a component collapses (an error suggesting regCovar, or a vanishing variance). */
function runOrSkip(run: () => ReturnType<typeof gmmEm>): ReturnType<typeof gmmEm> | null {
  try {
    const result = run();
    return collapsed(result) ? null : result;
  } catch (err) {
    if (err instanceof SolverError && err.message.includes("regCovar")) return null;
    throw err;
  }
}

describe("EM", () => {
  test("the log-likelihood trace never decreases (1e-9 relative), and its last value is logLikelihood", () => {
    fc.assert(
      fc.property(mixtureCase, ({ type, d, k, x, seed }) => {
        const result = runOrSkip(() => gmmEm({ x, covariance: type, init: initFor(type, k, d, seed), maxIter: 25, tol: 0 }));
        if (result === null) return;
        const trace = result.logLikelihoodTrace;
        expect(trace).toHaveLength(result.iterations + 1);
        expect(result.iterations).toBe(25);
        expect(result.converged).toBe(false);
        expect(trace[trace.length - 1]).toBe(result.logLikelihood);
        for (let t = 1; t < trace.length; t++) expect(trace[t]).toBeGreaterThanOrEqual(trace[t - 1] - 1e-9 * Math.abs(trace[t - 1]));
        expect(mixtureLogLikelihood(x, result, type)).toBeCloseTo(result.logLikelihood, 8);
      }),
      { numRuns: 150 },
    );
  });

  test("stops as soon as the mean log-likelihood per point changes by less than tol (scikit-learn's rule)", () => {
    fc.assert(
      fc.property(mixtureCase, fc.double({ min: 1e-8, max: 1e-1, noNaN: true }), ({ type, d, k, x, seed }, tol) => {
        const result = runOrSkip(() => gmmEm({ x, covariance: type, init: initFor(type, k, d, seed), maxIter: 200, tol }));
        if (result === null) return;
        const means = result.logLikelihoodTrace.map((v) => v / x.length);
        // Iteration t compares the log-likelihood of its start (trace[t-1]) with the previous one's.
        for (let t = 2; t < result.iterations; t++) expect(Math.abs(means[t - 1] - means[t - 2])).toBeGreaterThanOrEqual(tol);
        if (result.converged) expect(Math.abs(means[result.iterations - 1] - means[result.iterations - 2])).toBeLessThan(tol);
        else expect(result.iterations).toBe(200);
      }),
      { numRuns: 60 },
    );
  });

  test("a huge tol stops after iteration 2 (iteration 1 has no previous value); maxIter 0 returns init", () => {
    const x = [[0], [1], [3], [4]];
    const init = { weights: [0.5, 0.5], means: [[0], [4]], variances: [1, 1] };
    const huge = gmmEm({ x, covariance: "spherical", init, maxIter: 50, tol: 1e9 });
    expect([huge.iterations, huge.converged]).toEqual([2, true]);
    const none = gmmEm({ x, covariance: "spherical", init, maxIter: 0, tol: 0 });
    expect(none).toEqual({ ...init, logLikelihood: mixtureLogLikelihood(x, init, "spherical"), iterations: 0, converged: false, logLikelihoodTrace: [none.logLikelihood] });
  });

  test.each(["spherical", "full"] as const)("a one-component %s mixture equals the single-Gaussian MLE after one iteration", (type) => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 1000 }), (d, offset) =>
        fc.assert(
          fc.property(points(d + 2, 30, d), (x0) => {
            const x = x0.map((row) => row.map((v) => v + offset / 10));
            const init = initFor(type, 1, d, [0.3, 0.6, 0.9]);
            const result = gmmEm({ x, covariance: type, init, maxIter: 1, tol: 0 });
            if (type === "spherical") {
              const mle = sphericalGaussianMle(x);
              expectClose({ weights: result.weights, means: result.means, variances: result.variances, logLikelihood: result.logLikelihood }, {
                weights: [1],
                means: [mle.mean],
                variances: [mle.variance],
                logLikelihood: mle.logLikelihood,
              });
            } else {
              const mle = gaussianFullMle(x);
              expectClose({ weights: result.weights, means: result.means, covariances: result.covariances, logLikelihood: result.logLikelihood }, {
                weights: [1],
                means: [mle.mean],
                covariances: [mle.covariance],
                logLikelihood: mle.logLikelihood,
              });
            }
          }),
          { numRuns: 5 },
        ),
      ),
      { numRuns: 20 },
    );
  });
});

describe("E- and M-steps", () => {
  test("responsibility rows sum to 1 and lie in [0, 1]", () => {
    fc.assert(
      fc.property(mixtureCase, ({ type, d, k, x, seed }) => {
        const { responsibilities } = eStep(x, initFor(type, k, d, seed), type);
        expect(responsibilities).toHaveLength(x.length);
        for (const row of responsibilities) {
          expect(row).toHaveLength(k);
          expect(Math.abs(row.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
          for (const r of row) expect(r >= 0 && r <= 1).toBe(true);
        }
      }),
    );
  });

  test("the M-step with one-hot responsibilities equals the known-label MLE", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }).chain((k) =>
          fc.integer({ min: 1, max: 3 }).chain((d) =>
            points(2 * k, 30, d).chain((x) => fc.array(fc.integer({ min: 0, max: k - 1 }), { minLength: x.length, maxLength: x.length }).map((labels) => ({ k, x, labels }))),
          ),
        ),
        ({ k, x, labels }) => {
          // Every component gets two points of its own, so none is empty or has variance 0.
          const z = labels.map((l, i) => (i < 2 * k ? Math.floor(i / 2) : l));
          const known = gmmKnownLabels(x, z, k);
          const oneHot: Mat = z.map((j) => Array.from({ length: k }, (_, l) => (l === j ? 1 : 0)));
          const m = mStep(x, oneHot, "spherical");
          expectClose({ weights: m.weights, means: m.means, variances: m.variances }, { weights: known.weights, means: known.means, variances: known.variances });
        },
      ),
    );
  });

  test("the spherical variance is the mean of the diag variances (one component) and of the per-coordinate MLEs", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }).chain((d) => points(2, 30, d)),
        (x) => {
          const ones = x.map(() => [1]);
          const spherical = (mStep(x, ones, "spherical").variances as number[])[0];
          const diag = (mStep(x, ones, "diag").variances as number[][])[0];
          expectClose(spherical, diag.reduce((a, b) => a + b, 0) / diag.length);
          const perCoordinate = x[0].map((_, t) => gaussianMle(x.map((row) => row[t])).variance);
          expectClose(sphericalGaussianMle(x).variance, perCoordinate.reduce((a, b) => a + b, 0) / perCoordinate.length);
        },
      ),
    );
  });

  test("d = 1: spherical, diag and full mixtures are the same model", () => {
    fc.assert(
      fc.property(points(6, 30, 1), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 12, maxLength: 12 }), (x, seed) => {
        const s = initFor("spherical", 2, 1, seed);
        const v = s.variances as number[];
        // Two iterations: over many, EM can amplify rounding differences (a component waking up
        // from a weight of 1e-5 grows them by its growth rate), which says nothing about the model.
        const run = (type: CovarianceType, init: MixtureParams) => runOrSkip(() => gmmEm({ x, covariance: type, init, maxIter: 2, tol: 0 }));
        const a = run("spherical", s);
        const b = run("diag", { ...s, variances: v.map((w) => [w]) });
        const c = run("full", { weights: s.weights, means: s.means, covariances: v.map((w) => [[w]]) });
        if (a === null || b === null || c === null) return;
        expectClose(b.variances, (a.variances as number[]).map((w) => [w]));
        expectClose(c.covariances, (a.variances as number[]).map((w) => [[w]]));
        expectClose(c.logLikelihoodTrace, a.logLikelihoodTrace);
      }),
      { numRuns: 50 },
    );
  });
});

describe("degenerate mixtures never give NaN", () => {
  const x = [[0, 0], [0.1, 0], [0, 0.1], [5, 5], [5.1, 5], [5, 5.1]];
  const far = (type: CovarianceType): MixtureParams => {
    const base = { weights: [0.4, 0.4, 0.2], means: [[0, 0], [5, 5], [500, -500]] };
    if (type === "spherical") return { ...base, variances: [1, 1, 1] };
    if (type === "diag") return { ...base, variances: [[1, 1], [1, 1], [1, 1]] };
    return { ...base, covariances: [0, 1, 2].map(() => [[1, 0], [0, 1]]) };
  };

  test.each(TYPES)("%s: a component that loses every point is an error that suggests regCovar", (type) => {
    expect(() => gmmEm({ x, covariance: type, init: far(type), maxIter: 5, tol: 0 })).toThrow(
      /covariance of component 2 is not positive definite after iteration 1 .*regCovar/,
    );
  });

  test.each(TYPES)("%s: with regCovar it keeps a finite, regularised component", (type) => {
    const result = gmmEm({ x, covariance: type, init: far(type), maxIter: 5, tol: 0, regCovar: 1e-3, responsibilities: true });
    const numbers = JSON.stringify(result).match(/-?\d[\d.e+-]*|null|NaN/g) ?? [];
    expect(numbers).not.toContain("null");
    expect(result.weights[2]).toBeLessThan(1e-10);
    expect(Number.isFinite(result.logLikelihood)).toBe(true);
  });

  test("a full covariance on collinear points is not positive definite: error names the component", () => {
    const line = [[0, 0], [1, 1], [2, 2], [3, 3]];
    expect(() => gmmEm({ x: line, covariance: "full", init: { weights: [1], means: [[1, 1]], covariances: [[[1, 0], [0, 1]]] }, maxIter: 3, tol: 0 })).toThrow(
      /component 0 is not positive definite.*regCovar/,
    );
    const reg = gmmEm({ x: line, covariance: "full", init: { weights: [1], means: [[1, 1]], covariances: [[[1, 0], [0, 1]]] }, maxIter: 3, tol: 0, regCovar: 1e-6 });
    expect(Number.isFinite(reg.logLikelihood)).toBe(true);
  });
});
