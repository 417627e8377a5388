import { gmmKnownLabels, sphericalGaussianMle } from "../../src/solver";
import { mixtureSample } from "../../src/solver/datasets";
import { defineExercise } from "../contract";
import { mistake, pointsPlot, pointsTable } from "../common";
import { mStepCarried, texLines } from "../em-shared";
import { paramsSchema, sizeParam } from "../params";
import { texMat, texNum, texVec } from "../tex";

type Params = { n: number; d: number; k: number };
type Data = { x: number[][]; labels: number[]; k: number };

const params = [sizeParam.n(12, 4, 500), sizeParam.d(1, 1, 3), sizeParam.k(2, 2, 4)];

export const gmmKnownLabelsExercise = defineExercise<Params, Data>({
  slug: "gmm-known-labels",
  title: "Mixture of spherical Gaussians with known labels",
  topic: "Mixtures",
  description: "Each point's component is given: estimate the mixing weights, the component means and the spherical variances.",
  formula: String.raw`\hat n_j = \sum_{i}\delta(j \mid i), \quad \hat\gamma_j = \frac{\hat n_j}{n}, \quad \hat\mu^{(j)} = \frac{1}{\hat n_j}\sum_{i}\delta(j \mid i)\,x^{(i)}, \quad \hat\sigma^2_j = \frac{1}{d\,\hat n_j}\sum_{i}\delta(j \mid i)\left\lVert x^{(i)} - \hat\mu^{(j)}\right\rVert^2`,
  params,
  schema: paramsSchema<Params>(params),
  examples: [{ n: 30, d: 2, k: 3 }, { n: 12, d: 3, k: 4 }],
  checkParams: ({ n, k }) => (n < 3 * k ? `parameter "n" must be at least 3k = ${3 * k} (three points per component)` : undefined),
  generate(rng, { n, d, k }) {
    const s = mixtureSample(rng, { n, d, k, covariance: "spherical", separation: 4, decimals: 1 });
    return { x: s.x, labels: s.labels, k };
  },
  solve({ x, labels, k }) {
    const r = gmmKnownLabels(x, labels, k);
    const n = x.length;
    const d = x[0].length;
    const j = String.raw`j`;
    return {
      key: { weights: r.weights, means: r.means, variances: r.variances },
      solution: {
        steps: [
          {
            title: "Count the points of each component",
            tex: String.raw`\hat n_${j} = \sum_i \delta(j \mid i): \quad ${r.counts.map((c, i) => String.raw`\hat n_${i + 1} = ${c}`).join(",\\ ")}`,
            numbers: [{ label: String.raw`\hat n`, value: r.counts }],
          },
          {
            title: "Mixing weights: fractions of the n points",
            tex: String.raw`\hat\gamma_j = \frac{\hat n_j}{${n}}: \quad \hat\gamma = ${texVec(r.weights, 6)}`,
            numbers: [{ label: String.raw`\hat\gamma`, value: r.weights }],
          },
          {
            title: "Component means: average of each component's points (one row per component)",
            tex: String.raw`\hat\mu = ${texMat(r.means, 6)}`,
            numbers: [{ label: String.raw`\hat\mu`, value: r.means }],
          },
          {
            title: `Spherical variances: squared distances to the component mean, divided by d·nⱼ (d = ${d})`,
            tex: texLines(
              r.variances.map(
                (v, i) =>
                  String.raw`\hat\sigma^2_{${i + 1}} = \frac{${texNum(v * d * r.counts[i], 6)}}{${d} \cdot ${r.counts[i]}} = ${texNum(v, 6)}`,
              ),
            ),
            numbers: [
              { label: String.raw`\hat\sigma^2`, value: r.variances },
              { label: String.raw`\textstyle\sum_i \ln\left(\hat\gamma_{z(i)}\,\mathcal N(x^{(i)})\right)`, value: r.logLikelihood },
            ],
          },
        ],
      },
    };
  },
  parts: ({ d, k }) => [
    { name: "weights", label: "Mixing weights γ₁…γₖ", shape: { kind: "vector", length: k } },
    { name: "means", label: "Component means (one row per component)", shape: { kind: "matrix", rows: k, cols: d } },
    { name: "variances", label: "Spherical variances σ₁²…σₖ²", shape: { kind: "vector", length: k } },
  ],
  mistakes({ x, k }, _p, key) {
    const n = x.length;
    const d = x[0].length;
    const weights = key.weights as number[];
    const variances = key.variances as number[];
    const counts = weights.map((w) => Math.round(w * n));
    const overall = sphericalGaussianMle(x).mean;
    return [
      ...mistake("counts-not-fractions", "Your weights are counts; the mixing weights are fractions n̂ⱼ / n and sum to one.", {
        weights: counts,
      }),
      // With d = 1 there is nothing to forget: the mistake is the key itself.
      ...(d === 1 ? [] : mistake("forgot-1-over-d", "You forgot the 1/d: a spherical variance divides the squared distances by d·n̂ⱼ.", {
        variances: variances.map((v) => v * d),
      })),
      ...mistake("n-minus-1", "You divided by d·(n̂ⱼ − 1); the MLE divides by d·n̂ⱼ.", {
        variances: variances.map((v, j) => (v * counts[j]) / (counts[j] - 1)),
      }),
      ...mistake("divided-by-n", "You divided each component's squared distances by n (all points); divide by d·n̂ⱼ (its own points).", {
        variances: variances.map((v, j) => (v * counts[j]) / n),
      }),
      ...mistake("overall-mean", "You used the mean of all points for every component; average only the points with that label.", {
        means: Array.from({ length: k }, () => overall.slice()),
      }),
      ...mistake("standard-deviation", "You gave standard deviations; the question asks for the variances σ̂ⱼ².", {
        variances: variances.map((v) => Math.sqrt(v)),
      }),
    ];
  },
  // Variances measured around the student's own means earn credit (error carried forward).
  carryForward({ x, labels, k }, _p, answers, tol) {
    const oneHot = labels.map((l) => Array.from({ length: k }, (_, j) => (j === l ? 1 : 0)));
    return mStepCarried(x, oneHot, answers, tol, { studentResponsibilities: false });
  },
  table: ({ x, labels }) => pointsTable(x, { columns: ["label"], rows: labels.map((l) => [l + 1]) }),
  questionContext: ({ x, labels, k }) => ({
    n: x.length,
    d: x[0].length,
    k,
    plot: pointsPlot(x, { labels, title: "The data by component" }),
  }),
  summary: ({ x, k }) => `n = ${x.length}, d = ${x[0].length}, k = ${k}`,
  validate({ labels, k }) {
    const problems: string[] = [];
    for (let j = 0; j < k; j++) if (labels.filter((l) => l === j).length < 2) problems.push(`component ${j + 1} has fewer than 2 points`);
    return problems;
  },
});
