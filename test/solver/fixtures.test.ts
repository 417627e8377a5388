/**
 * The solver against values from independent implementations (numpy, scipy, scikit-learn's
 * GaussianMixture), written by scripts/make-solver-fixtures.py: every number to 1e-9 relative.
 */
import { eStep, fullLogPdf, gaussianLogPdf, type MixtureParams, mStep, mixtureLogLikelihood, solve, sphericalLogPdf, type CovarianceType } from "../../src/solver";
import { expectClose, loadFixture } from "./close";

type SolveCase = { name: string; request: Record<string, unknown>; expected: Record<string, unknown> };

const single = loadFixture<SolveCase[]>("single.json");
const knownLabels = loadFixture<SolveCase[]>("known-labels.json");
const em = loadFixture<SolveCase[]>("gmm-em.json");

describe.each([
  ["single distributions", single],
  ["mixtures with known labels", knownLabels],
  ["gmm-em (scikit-learn GaussianMixture)", em],
])("solve: %s", (_title, cases) => {
  test.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    expectClose(solve(c.request), c.expected);
  });
});

describe("log densities (scipy.stats)", () => {
  const cases = loadFixture<{ fn: string; args: unknown[]; expected: number }[]>("log-pdf.json");
  const fns: Record<string, (...args: never[]) => number> = { gaussianLogPdf, sphericalLogPdf, fullLogPdf };
  test.each(cases.map((c, i) => [`${c.fn} #${i}`, c] as const))("%s", (_name, c) => {
    expectClose((fns[c.fn] as (...args: unknown[]) => number)(...c.args), c.expected);
  });
});

type StepCase = {
  name: string;
  covariance: CovarianceType;
  x: number[][];
  params: MixtureParams;
  eStep: { responsibilities: number[][]; logLikelihood: number };
  mStep: { responsibilities: number[][]; regCovar: number; expected: MixtureParams };
};

describe("single E- and M-steps (scikit-learn's _e_step / _m_step)", () => {
  const cases = loadFixture<StepCase[]>("steps.json");
  test.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    expectClose(eStep(c.x, c.params, c.covariance), c.eStep);
    expectClose(mixtureLogLikelihood(c.x, c.params, c.covariance), c.eStep.logLikelihood);
    expectClose(mStep(c.x, c.mStep.responsibilities, c.covariance, c.mStep.regCovar), c.mStep.expected);
  });
});

test("the fixtures cover every task, covariance type, d = 1, 2, 5 and k = 1..4", () => {
  const tasks = new Set([...single, ...knownLabels, ...em].map((c) => c.request.task));
  expect([...tasks].sort()).toEqual(["bernoulli", "gaussian", "gaussian-full", "gmm-em", "gmm-known-labels", "spherical-gaussian"]);
  const shapes = new Set(
    em.map((c) => {
      const init = c.request.init as MixtureParams;
      return `${String(c.request.covariance)} d${init.means[0].length} k${init.weights.length}`;
    }),
  );
  for (const type of ["spherical", "diag", "full"]) for (const d of [1, 2, 5]) for (const k of [1, 2, 3, 4]) expect(shapes).toContain(`${type} d${d} k${k}`);
});
