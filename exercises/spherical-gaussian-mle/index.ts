import { sphericalGaussianMle } from "../../src/solver";
import { gaussianSampleNd, roundTo } from "../../src/solver/datasets";
import { defineExercise } from "../contract";
import { mistake, pointsPlot, pointsTable, sum } from "../common";
import { paramsSchema, sizeParam } from "../params";
import { texNum, texVec } from "../tex";

type Params = { n: number; d: number };
type Data = { x: number[][] };

const params = [sizeParam.n(8, 3, 500), sizeParam.d(2, 1, 5)];

export const sphericalGaussianMleExercise = defineExercise<Params, Data>({
  slug: "spherical-gaussian-mle",
  title: "MLE of a spherical Gaussian",
  topic: "Single distributions",
  description: "Estimate the mean vector and the single variance of a spherical Gaussian (covariance σ²I) in d dimensions.",
  formula: String.raw`\hat\mu = \frac{1}{n}\sum_{i=1}^{n} x^{(i)}, \qquad \hat\sigma^2 = \frac{1}{n d}\sum_{i=1}^{n}\left\lVert x^{(i)} - \hat\mu\right\rVert^2`,
  params,
  schema: paramsSchema<Params>(params),
  examples: [{ n: 12, d: 1 }, { n: 20, d: 5 }],
  checkParams: ({ n, d }) => (n <= d ? `parameter "n" must be greater than d = ${d}` : undefined),
  generate(rng, { n, d }) {
    const mean = Array.from({ length: d }, () => roundTo(rng.between(-3, 3), 1));
    const sd = roundTo(rng.between(0.6, 2), 1);
    const cov = mean.map((_, a) => mean.map((__, b) => (a === b ? sd * sd : 0)));
    return { x: gaussianSampleNd(rng, { n, mean, cov, decimals: 1 }) };
  },
  solve({ x }) {
    const r = sphericalGaussianMle(x);
    const n = x.length;
    const d = x[0].length;
    const sums = r.mean.map((m) => m * n);
    const scatter = r.variance * n * d;
    return {
      key: { mean: r.mean, variance: r.variance },
      solution: {
        steps: [
          {
            title: "Mean of each coordinate",
            tex: String.raw`\hat\mu = \frac{1}{${n}}${texVec(sums, 8)} = ${texVec(r.mean, 6)}`,
            numbers: [{ label: String.raw`\hat\mu`, value: r.mean }],
          },
          {
            title: "Total squared distance to the mean",
            tex: String.raw`\sum_{i=1}^{n}\left\lVert x^{(i)} - \hat\mu\right\rVert^2 = ${texNum(scatter, 6)}`,
          },
          {
            title: "Divide by n d: one variance shared by all d coordinates",
            tex: String.raw`\hat\sigma^2 = \frac{${texNum(scatter, 6)}}{${n} \cdot ${d}} = ${texNum(r.variance, 6)}`,
            numbers: [
              { label: String.raw`\hat\sigma^2`, value: r.variance },
              { label: String.raw`\ell(\hat\mu, \hat\sigma^2)`, value: r.logLikelihood },
            ],
          },
        ],
      },
    };
  },
  parts: ({ d }) => [
    { name: "mean", label: "MLE of the mean vector μ", shape: { kind: "vector", length: d } },
    { name: "variance", label: "MLE of the variance σ²", shape: { kind: "scalar" } },
  ],
  mistakes({ x }, _p, key) {
    const n = x.length;
    const d = x[0].length;
    const mean = key.mean as number[];
    const variance = key.variance as number;
    const normSq = sum(mean.map((m) => m * m));
    return [
      // With d = 1 there is nothing to forget: the mistake is the key itself.
      ...(d === 1 ? [] : mistake("forgot-1-over-d", "You forgot the 1/d: the spherical variance divides the total squared distance by n·d, not n.", {
        variance: variance * d,
      })),
      ...mistake("n-minus-1", "You divided by (n − 1)·d; the MLE divides by n·d.", { variance: (variance * n) / (n - 1) }),
      ...mistake("standard-deviation", "You gave the standard deviation σ̂; the question asks for the variance σ̂².", {
        variance: Math.sqrt(variance),
      }),
      ...mistake("not-centred", "You used ‖x‖² without subtracting the mean first; use ‖x − μ̂‖².", {
        variance: variance + normSq / d,
      }),
    ];
  },
  table: ({ x }) => pointsTable(x),
  questionContext: ({ x }) => ({ n: x.length, d: x[0].length, plot: pointsPlot(x) }),
  summary: ({ x }) => `n = ${x.length}, d = ${x[0].length}`,
  validate: ({ x }) => (x.every((p) => p.every((v, j) => v === x[0][j])) ? ["all points are equal"] : []),
});
