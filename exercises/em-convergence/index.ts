import { gmmEm } from "../../src/solver";
import { defineExercise } from "../contract";
import { mistake, type SphericalMixture } from "../common";
import { fromInitialMixture, sampleWithInit } from "../em-shared";
import { paramsSchema, sizeParam } from "../params";
import { texMat, texNum, texVec } from "../tex";

type Params = { n: number; d: number; k: number };
type Data = { x: number[][]; init: SphericalMixture };

const params = [sizeParam.n(30, 10, 1000), sizeParam.d(2, 1, 3), sizeParam.k(2, 2, 4)];

/** EM run until the change in mean log-likelihood per point is negligible: the fixed point students converge to. */
const KEY_RUN = { maxIter: 2000, tol: 1e-12 };

function runEm(x: number[][], init: SphericalMixture, maxIter: number, tol: number) {
  const r = gmmEm({ x, covariance: "spherical", init, maxIter, tol });
  return { ...r, variances: r.variances as number[] };
}

export const emConvergenceExercise = defineExercise<Params, Data>({
  slug: "em-convergence",
  title: "EM run to convergence",
  topic: "EM",
  description:
    "Run EM for a spherical mixture from a given start until the log-likelihood stops changing; components are graded in any order.",
  formula: String.raw`\ell(\gamma, \mu, \sigma^2) = \sum_{i=1}^{n}\ln\sum_{j=1}^{k}\gamma_j\,\mathcal N\left(x^{(i)} \mid \mu^{(j)}, \sigma^2_j I\right) \text{ never decreases from one EM iteration to the next}`,
  params,
  schema: paramsSchema<Params>(params),
  examples: [{ n: 60, d: 1, k: 3 }, { n: 100, d: 3, k: 4 }],
  checkParams: ({ n, k }) => (n < 5 * k ? `parameter "n" must be at least 5k = ${5 * k}` : undefined),
  generate(rng, { n, d, k }) {
    for (;;) {
      const s = sampleWithInit(rng, { n, d, k, separation: 5, decimals: 2, jitter: 0.8 });
      const r = runEm(s.x, s.init, KEY_RUN.maxIter, KEY_RUN.tol);
      // Keep starts from which EM settles on well-populated components.
      if (r.converged && r.weights.every((w) => w * n >= 2) && r.variances.every((v) => v > 0.01)) return { x: s.x, init: s.init };
    }
  },
  solve({ x, init }) {
    const r = runEm(x, init, KEY_RUN.maxIter, KEY_RUN.tol);
    const trace = r.logLikelihoodTrace;
    const shown = trace.length <= 8 ? trace : [...trace.slice(0, 5), ...trace.slice(-3)];
    return {
      key: { weights: r.weights, means: r.means, variances: r.variances, logLikelihood: r.logLikelihood },
      solution: {
        steps: [
          {
            title: `Iterate E- and M-steps from the given start (${r.iterations} iterations until the change per point fell below 1e-12)`,
            text: trace.length > 8 ? "Log-likelihood after the first iterations and the last ones:" : "Log-likelihood after each iteration:",
            tex: String.raw`\ell: \ ${shown.map((v) => texNum(v, 7)).join(String.raw`,\ `)}`,
          },
          {
            title: "Converged parameters",
            tex: String.raw`\gamma = ${texVec(r.weights, 6)}, \quad \mu = ${texMat(r.means, 6)}, \quad \sigma^2 = ${texVec(r.variances, 6)}`,
            numbers: [
              { label: String.raw`\gamma`, value: r.weights },
              { label: String.raw`\mu`, value: r.means },
              { label: String.raw`\sigma^2`, value: r.variances },
              { label: String.raw`\ell`, value: r.logLikelihood },
            ],
          },
        ],
      },
    };
  },
  parts: ({ d, k }) => [
    { name: "weights", label: "Mixing weights γ₁…γₖ", shape: { kind: "vector", length: k }, permutationGroup: "components" },
    { name: "means", label: "Means (one row per component)", shape: { kind: "matrix", rows: k, cols: d }, permutationGroup: "components" },
    { name: "variances", label: "Spherical variances σ₁²…σₖ²", shape: { kind: "vector", length: k }, permutationGroup: "components" },
    // Absolute, not 1% of ℓ: one EM iteration from the start already gets within 1% of the
    // converged ℓ, so a relative tolerance could not tell "stopped early" from "converged".
    { name: "logLikelihood", label: "Log-likelihood at convergence (natural log, total over points)", shape: { kind: "scalar" }, rtol: 0, atol: 0.01 },
  ],
  mistakes({ x, init }, _p, key) {
    const one = runEm(x, init, 1, 0);
    const n = x.length;
    const d = x[0].length;
    const ll = key.logLikelihood as number;
    return [
      ...mistake("stopped-after-one-iteration", "These are the parameters after one iteration; keep iterating until the log-likelihood stops changing.", {
        weights: one.weights,
        means: one.means,
        variances: one.variances,
        logLikelihood: one.logLikelihood,
      }),
      ...mistake("log10", "You used log base 10; the log-likelihood uses the natural logarithm ln.", { logLikelihood: ll / Math.LN10 }),
      ...mistake("mean-per-point", "You gave the average log-likelihood per point; the question asks for the total over all n points.", {
        logLikelihood: ll / n,
      }),
      // With d = 1 there is nothing to forget: the mistake is the key itself.
      ...(d === 1 ? [] : mistake("forgot-1-over-d", "You forgot the 1/d: a spherical variance divides the weighted squared distances by d·n̂ⱼ.", {
        variances: (key.variances as number[]).map((v) => v * d),
      })),
      ...mistake("counts-not-fractions", "Your weights are soft counts; the mixing weights are n̂ⱼ / n and sum to one.", {
        weights: (key.weights as number[]).map((w) => w * n),
      }),
    ];
  },
  ...fromInitialMixture("The data and the starting components"),
});
