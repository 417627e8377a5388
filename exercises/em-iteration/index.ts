import { eStep, gmmEm } from "../../src/solver";
import { defineExercise } from "../contract";
import { mistake, sum, type SphericalMixture } from "../common";
import { fromInitialMixture, keyResponsibilities, mStepCarried, mStepMistakes, sampleWithInit, weightedDensities } from "../em-shared";
import { paramsSchema, sizeParam } from "../params";
import { texMat, texVec } from "../tex";

type Params = { n: number; d: number; k: number };
type Data = { x: number[][]; init: SphericalMixture };

const params = [sizeParam.n(8, 4, 300), sizeParam.d(1, 1, 3), sizeParam.k(2, 2, 4)];

function oneIteration(x: number[][], init: SphericalMixture) {
  const r = gmmEm({ x, covariance: "spherical", init, maxIter: 1, tol: 0 });
  return { weights: r.weights, means: r.means, variances: r.variances as number[], logLikelihoodBefore: r.logLikelihoodTrace[0], logLikelihood: r.logLikelihood };
}

export const emIterationExercise = defineExercise<Params, Data>({
  slug: "em-iteration",
  title: "One EM iteration for a spherical mixture",
  topic: "EM",
  description: "From given initial parameters, do one E-step (responsibilities) and one M-step (new weights, means, variances).",
  formula: String.raw`p(j \mid i) = \frac{\gamma_j\,\mathcal N(x^{(i)} \mid \mu^{(j)}, \sigma^2_j I)}{\sum_l \gamma_l\,\mathcal N(x^{(i)} \mid \mu^{(l)}, \sigma^2_l I)}, \quad \hat n_j = \sum_i p(j \mid i), \quad \gamma_j = \frac{\hat n_j}{n}, \quad \mu^{(j)} = \frac{\sum_i p(j \mid i)\,x^{(i)}}{\hat n_j}, \quad \sigma^2_j = \frac{\sum_i p(j \mid i)\lVert x^{(i)} - \mu^{(j)}\rVert^2}{d\,\hat n_j}`,
  params,
  schema: paramsSchema<Params>(params),
  examples: [{ n: 20, d: 2, k: 3 }],
  checkParams: ({ n, k }) => (n < 2 * k ? `parameter "n" must be at least 2k = ${2 * k}` : undefined),
  generate(rng, { n, d, k }) {
    const s = sampleWithInit(rng, { n, d, k, separation: 3, decimals: 1, jitter: 0.7 });
    return { x: s.x, init: s.init };
  },
  solve({ x, init }) {
    const r = oneIteration(x, init);
    const resp = eStep(x, init, "spherical").responsibilities;
    const k = init.weights.length;
    const nk = Array.from({ length: k }, (_, j) => sum(resp.map((row) => row[j])));
    return {
      key: { weights: r.weights, means: r.means, variances: r.variances },
      solution: {
        steps: [
          {
            title: "E-step: responsibilities under the initial parameters (one row per point)",
            tex: String.raw`P = \big(p(j \mid i)\big) = ${texMat(resp, 4)}`,
            numbers: [{ label: String.raw`\ell(\text{init})`, value: r.logLikelihoodBefore }],
          },
          {
            title: "Soft counts and mixing weights",
            tex: String.raw`\hat n = ${texVec(nk, 6)}, \qquad \gamma = \frac{\hat n}{${x.length}} = ${texVec(r.weights, 6)}`,
            numbers: [{ label: String.raw`\gamma`, value: r.weights }],
          },
          {
            title: "Weighted means (one row per component)",
            tex: String.raw`\mu = ${texMat(r.means, 6)}`,
            numbers: [{ label: String.raw`\mu`, value: r.means }],
          },
          {
            title: "Weighted spherical variances around the new means",
            tex: String.raw`\sigma^2 = ${texVec(r.variances, 6)}`,
            numbers: [
              { label: String.raw`\sigma^2`, value: r.variances },
              { label: String.raw`\ell(\text{after one iteration})`, value: r.logLikelihood },
            ],
          },
        ],
      },
    };
  },
  parts: ({ d, k }) => [
    { name: "weights", label: "New mixing weights γ₁…γₖ", shape: { kind: "vector", length: k } },
    { name: "means", label: "New means (one row per component, in the given order)", shape: { kind: "matrix", rows: k, cols: d } },
    { name: "variances", label: "New spherical variances σ₁²…σₖ²", shape: { kind: "vector", length: k } },
  ],
  mistakes({ x, init }, _p, key) {
    const resp = eStep(x, init, "spherical").responsibilities;
    const k = { weights: key.weights as number[], means: key.means as number[][], variances: key.variances as number[] };
    const u = weightedDensities(x, init);
    const n = x.length;
    const unnormalised = mStepMistakesUnnormalised(x, u, n);
    return [
      ...mStepMistakes(x, resp, k, { orderMatters: true, oldMeans: init.means }),
      ...mistake(
        "unnormalised-responsibilities",
        "You used γⱼ N(x | μⱼ, σⱼ² I) without dividing by the sum over components; responsibilities of each point sum to one.",
        unnormalised,
      ),
    ];
  },
  // Variances measured around the student's own means earn credit (error carried forward).
  carryForward: ({ x, init }, _p, answers, tol) => mStepCarried(x, keyResponsibilities(x, init), answers, tol, { studentResponsibilities: false }),
  ...fromInitialMixture("The data and the initial components"),
});

/** The M-step run on unnormalised responsibilities u (weights = column sums / n, as a student would). */
function mStepMistakesUnnormalised(x: number[][], u: number[][], n: number) {
  const k = u[0].length;
  const d = x[0].length;
  const nk = Array.from({ length: k }, (_, j) => sum(u.map((row) => row[j])));
  const means = nk.map((c, j) => Array.from({ length: d }, (_, t) => sum(x.map((xi, i) => u[i][j] * xi[t])) / c));
  const variances = nk.map((c, j) => sum(x.map((xi, i) => u[i][j] * sum(xi.map((v, t) => (v - means[j][t]) ** 2)))) / (d * c));
  return { weights: nk.map((c) => c / n), means, variances };
}
