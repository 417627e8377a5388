import { eStep } from "../../src/solver";
import { roundTo } from "../../src/solver/datasets";
import { defineExercise } from "../contract";
import { pointsPlot, pointsTable, sum } from "../common";
import { mStepCarried, mStepMistakes, mStepSpherical, sampleWithInit, texLines } from "../em-shared";
import { paramsSchema, sizeParam } from "../params";
import { texMat, texNum, texVec } from "../tex";

type Params = { n: number; d: number; k: number };
type Data = { x: number[][]; responsibilities: number[][] };

const params = [sizeParam.n(8, 3, 300), sizeParam.d(1, 1, 3), sizeParam.k(2, 2, 4)];

/** Responsibilities with two decimals; each row sums to exactly 1 (the last entry takes the remainder). */
function roundRows(resp: number[][]): number[][] {
  return resp.map((row) => {
    const head = row.slice(0, -1).map((v) => roundTo(v, 2));
    return [...head, roundTo(1 - sum(head), 2)];
  });
}

export const mStepExercise = defineExercise<Params, Data>({
  slug: "m-step",
  title: "M-step from given responsibilities",
  topic: "EM",
  description: "Given the data and the responsibilities p(j | i), compute the new mixing weights, means and spherical variances.",
  formula: String.raw`\hat n_j = \sum_i p(j \mid i), \quad \gamma_j = \frac{\hat n_j}{n}, \quad \mu^{(j)} = \frac{\sum_i p(j \mid i)\,x^{(i)}}{\hat n_j}, \quad \sigma^2_j = \frac{\sum_i p(j \mid i)\lVert x^{(i)} - \mu^{(j)}\rVert^2}{d\,\hat n_j}`,
  params,
  schema: paramsSchema<Params>(params),
  examples: [{ n: 20, d: 2, k: 3 }],
  checkParams: ({ n, k }) => (n < 2 * k ? `parameter "n" must be at least 2k = ${2 * k}` : undefined),
  generate(rng, { n, d, k }) {
    for (;;) {
      const s = sampleWithInit(rng, { n, d, k, separation: 3, decimals: 1, jitter: 0.3 });
      // Inflated variances soften the responsibilities, so the M-step really weighs points.
      const soft = { ...s.truth, variances: s.truth.variances.map((v) => 2.5 * v) };
      const responsibilities = roundRows(eStep(s.x, soft, "spherical").responsibilities);
      const nk = Array.from({ length: k }, (_, j) => sum(responsibilities.map((r) => r[j])));
      if (responsibilities.every((r) => r.every((v) => v >= 0)) && nk.every((c) => c >= 1)) return { x: s.x, responsibilities };
    }
  },
  solve({ x, responsibilities }) {
    const r = mStepSpherical(x, responsibilities);
    const k = r.weights.length;
    const d = x[0].length;
    const nk = Array.from({ length: k }, (_, j) => sum(responsibilities.map((row) => row[j])));
    return {
      key: { weights: r.weights, means: r.means, variances: r.variances },
      solution: {
        steps: [
          {
            title: "Soft counts: column sums of the responsibilities",
            tex: String.raw`\hat n = ${texVec(nk, 6)}`,
          },
          {
            title: "Mixing weights",
            tex: String.raw`\gamma = \frac{\hat n}{${x.length}} = ${texVec(r.weights, 6)}`,
            numbers: [{ label: String.raw`\gamma`, value: r.weights }],
          },
          {
            title: "Weighted means (one row per component)",
            tex: String.raw`\mu = ${texMat(r.means, 6)}`,
            numbers: [{ label: String.raw`\mu`, value: r.means }],
          },
          {
            title: `Weighted spherical variances (divide by d·nⱼ, d = ${d})`,
            tex: texLines(
              r.variances.map(
                (v, j) => String.raw`\sigma^2_{${j + 1}} = \frac{${texNum(v * d * nk[j], 6)}}{${d} \cdot ${texNum(nk[j], 6)}} = ${texNum(v, 6)}`,
              ),
            ),
            numbers: [{ label: String.raw`\sigma^2`, value: r.variances }],
          },
        ],
      },
    };
  },
  parts: ({ d, k }) => [
    { name: "weights", label: "Mixing weights γ₁…γₖ", shape: { kind: "vector", length: k } },
    { name: "means", label: "Means (one row per component)", shape: { kind: "matrix", rows: k, cols: d } },
    { name: "variances", label: "Spherical variances σ₁²…σₖ²", shape: { kind: "vector", length: k } },
  ],
  mistakes({ x, responsibilities }, _p, key) {
    return mStepMistakes(
      x,
      responsibilities,
      { weights: key.weights as number[], means: key.means as number[][], variances: key.variances as number[] },
      { orderMatters: true },
    );
  },
  // Variances measured around the student's own means earn credit (error carried forward).
  carryForward: ({ x, responsibilities }, _p, answers, tol) => mStepCarried(x, responsibilities, answers, tol, { studentResponsibilities: false }),
  table: ({ x, responsibilities }) =>
    pointsTable(x, { columns: responsibilities[0].map((_, j) => `r${j + 1}`), rows: responsibilities }),
  questionContext: ({ x, responsibilities }) => ({
    n: x.length,
    d: x[0].length,
    k: responsibilities[0].length,
    plot: pointsPlot(x, { title: "The data" }),
  }),
  summary: ({ x, responsibilities }) => `n = ${x.length}, d = ${x[0].length}, k = ${responsibilities[0].length}`,
  validate({ responsibilities }) {
    const k = responsibilities[0].length;
    const problems: string[] = [];
    for (let j = 0; j < k; j++) if (!(sum(responsibilities.map((r) => r[j])) > 0.5)) problems.push(`component ${j + 1} has almost no weight`);
    return problems;
  },
});
