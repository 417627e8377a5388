import { allClose } from "../../src/grading";
import { roundTo } from "../../src/solver/datasets";
import { defineExercise } from "../contract";
import { sum, type SphericalMixture } from "../common";
import {
  eStepMistakes,
  fromInitialMixture,
  keyResponsibilities,
  mStepCarried,
  mStepMistakes,
  mStepSpherical,
  sampleWithInit,
  texLines,
  weightedDensities,
} from "../em-shared";
import { paramsSchema, sizeParam } from "../params";
import { texMat, texNum, texVec } from "../tex";

type Params = { n: number; d: number; k: number };
type Data = { x: number[][]; init: SphericalMixture };

// Small enough to type the n x k responsibilities by hand.
const params = [sizeParam.n(6, 4, 12), sizeParam.d(1, 1, 2), sizeParam.k(2, 2, 3)];

/**
 * One EM iteration answered step by step: the E-step's responsibilities, then the M-step from
 * them. An M-step part computed correctly from the student's own (wrong but readable)
 * responsibilities earns its points with the error carried forward; variances also from the
 * student's own means.
 */
/**
 * True when the M-step carried forward from the commonest E-step mistake (the weights left out)
 * differs from the key by more than 3% in every part: a student who makes it is then told the
 * M-step is right given their responsibilities, not simply right.
 */
function carriesVisibly(x: number[][], init: SphericalMixture, resp: number[][]): boolean {
  const key = mStepSpherical(x, resp);
  const wrong = eStepMistakes(x, init, resp).filter((m) => m.id === "forgot-weights");
  return wrong.every((m) => {
    const own = mStepSpherical(x, m.answers.responsibilities as number[][]);
    return !allClose(own.weights, key.weights, 0.03, 0) && !allClose(own.means, key.means, 0.03, 0) && !allClose(own.variances, key.variances, 0.03, 0);
  });
}

export const emStepsExercise = defineExercise<Params, Data>({
  slug: "em-steps",
  title: "EM step by step: responsibilities, then the M-step",
  topic: "EM",
  description:
    "From given initial parameters, write down the responsibilities (E-step), then the new weights, means and variances (M-step). An M-step done right from your own responsibilities can earn credit (error carried forward).",
  formula: String.raw`p(j \mid i) = \frac{\gamma_j\,\mathcal N(x^{(i)} \mid \mu^{(j)}, \sigma^2_j I)}{\sum_l \gamma_l\,\mathcal N(x^{(i)} \mid \mu^{(l)}, \sigma^2_l I)}, \quad \gamma_j = \frac{\hat n_j}{n}, \quad \mu^{(j)} = \frac{\sum_i p(j \mid i)\,x^{(i)}}{\hat n_j}, \quad \sigma^2_j = \frac{\sum_i p(j \mid i)\lVert x^{(i)} - \mu^{(j)}\rVert^2}{d\,\hat n_j}`,
  params,
  schema: paramsSchema<Params>(params),
  examples: [{ n: 8, d: 2, k: 3 }, { n: 4, d: 1, k: 2 }],
  checkParams: ({ n, k }) => (n < 2 * k ? `parameter "n" must be at least 2k = ${2 * k}` : undefined),
  generate(rng, { n, d, k }) {
    let tries = 20;
    for (;;) {
      const init = sampleWithInit(rng, { n: 2 * k, d, k, separation: 3, decimals: 1, jitter: 0 }).init;
      // Points between two components, so that the responsibilities are soft (none typed as 0 or 1).
      const x = Array.from({ length: n }, () => {
        const a = rng.int(0, k - 1);
        const b = (a + rng.int(1, k - 1)) % k;
        const t = rng.between(0.2, 0.8);
        return init.means[a].map((v, j) => roundTo(v + t * (init.means[b][j] - v) + rng.normal(0, 0.3), 1));
      });
      const resp = keyResponsibilities(x, init);
      // Every point shared between components (with k > 2, a far component may still get ~0).
      const soft = resp.every((r) => Math.max(...r) < 0.995);
      if (soft && init.weights.every((_, j) => sum(resp.map((r) => r[j])) > 0.5) && (--tries <= 0 || carriesVisibly(x, init, resp))) return { x, init };
    }
  },
  solve({ x, init }) {
    const resp = keyResponsibilities(x, init);
    const u = weightedDensities(x, init);
    const m = mStepSpherical(x, resp);
    const k = init.weights.length;
    const d = x[0].length;
    const nk = Array.from({ length: k }, (_, j) => sum(resp.map((row) => row[j])));
    return {
      key: { responsibilities: resp, weights: m.weights, means: m.means, variances: m.variances },
      solution: {
        steps: [
          {
            title: "E-step: weighted densities γⱼ N(x | μⱼ, σⱼ² I) of each point (rows) under each component (columns)",
            tex: texMat(u, 5),
          },
          {
            title: "Divide each row by its sum",
            tex: texLines(u.map((row, i) => String.raw`\textstyle\sum_l \gamma_l\,\mathcal N\left(x^{(${i + 1})}\right) = ${texNum(sum(row), 5)}`)),
          },
          {
            title: "Responsibilities (each row sums to one)",
            tex: String.raw`P = ${texMat(resp, 6)}`,
            numbers: [{ label: "P", value: resp }],
          },
          {
            title: "M-step: soft counts (column sums) and mixing weights",
            tex: String.raw`\hat n = ${texVec(nk, 6)}, \qquad \gamma = \frac{\hat n}{${x.length}} = ${texVec(m.weights, 6)}`,
            numbers: [{ label: String.raw`\gamma`, value: m.weights }],
          },
          {
            title: "Weighted means (one row per component)",
            tex: String.raw`\mu = ${texMat(m.means, 6)}`,
            numbers: [{ label: String.raw`\mu`, value: m.means }],
          },
          {
            title: `Weighted spherical variances around the new means (divide by d·n̂ⱼ, d = ${d})`,
            tex: texLines(
              m.variances.map((v, j) => String.raw`\sigma^2_{${j + 1}} = \frac{${texNum(v * d * nk[j], 6)}}{${d} \cdot ${texNum(nk[j], 6)}} = ${texNum(v, 6)}`),
            ),
            numbers: [{ label: String.raw`\sigma^2`, value: m.variances }],
          },
        ],
      },
    };
  },
  parts: ({ n, d, k }) => [
    // atol: a responsibility below 0.0005 may be typed as 0 (three decimals).
    { name: "responsibilities", label: "E-step: responsibilities p(j | i), one row per point, one column per component", shape: { kind: "matrix", rows: n, cols: k }, atol: 5e-4 },
    { name: "weights", label: "M-step: new mixing weights γ₁…γₖ", shape: { kind: "vector", length: k } },
    { name: "means", label: "M-step: new means (one row per component, in the given order)", shape: { kind: "matrix", rows: k, cols: d } },
    { name: "variances", label: "M-step: new spherical variances σ₁²…σₖ²", shape: { kind: "vector", length: k } },
  ],
  mistakes({ x, init }, _p, key) {
    const resp = key.responsibilities as number[][];
    const m = { weights: key.weights as number[], means: key.means as number[][], variances: key.variances as number[] };
    return [...eStepMistakes(x, init, resp, { hard: true, varianceAsSd: true }), ...mStepMistakes(x, resp, m, { orderMatters: true, oldMeans: init.means })];
  },
  carryForward({ x, init }, _p, answers, tol) {
    return mStepCarried(x, keyResponsibilities(x, init), answers, tol, { studentResponsibilities: true });
  },
  ...fromInitialMixture("The data and the initial components"),
});
