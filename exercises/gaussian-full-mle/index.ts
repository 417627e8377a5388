import { gaussianFullMle } from "../../src/solver";
import { gaussianSampleNd, randomCovariance, roundTo } from "../../src/solver/datasets";
import { defineExercise } from "../contract";
import { mapValue, mistake, pointsPlot, pointsTable } from "../common";
import { paramsSchema, sizeParam } from "../params";
import { texMat, texVec } from "../tex";

type Params = { n: number; d: number };
type Data = { x: number[][] };

const params = [sizeParam.n(8, 3, 500), sizeParam.d(2, 1, 4)];

export const gaussianFullMleExercise = defineExercise<Params, Data>({
  slug: "gaussian-full-mle",
  title: "MLE of a multivariate Gaussian (full covariance)",
  topic: "Single distributions",
  description: "Estimate the mean vector and the full covariance matrix of a multivariate Gaussian.",
  formula: String.raw`\hat\mu = \frac{1}{n}\sum_{i=1}^{n} x^{(i)}, \qquad \hat\Sigma = \frac{1}{n}\sum_{i=1}^{n}\left(x^{(i)} - \hat\mu\right)\left(x^{(i)} - \hat\mu\right)^{\top}`,
  params,
  schema: paramsSchema<Params>(params),
  examples: [{ n: 5, d: 4 }, { n: 30, d: 1 }],
  checkParams: ({ n, d }) => (n <= d ? `parameter "n" must be greater than d = ${d} (otherwise the covariance is singular)` : undefined),
  generate(rng, { n, d }) {
    const mean = Array.from({ length: d }, () => roundTo(rng.between(-3, 3), 1));
    const cov = randomCovariance(rng, { d, minSd: 0.5, maxSd: 2 });
    return { x: gaussianSampleNd(rng, { n, mean, cov, decimals: 1 }) };
  },
  solve({ x }) {
    const r = gaussianFullMle(x);
    const n = x.length;
    return {
      key: { mean: r.mean, covariance: r.covariance },
      solution: {
        steps: [
          {
            title: "Mean vector",
            tex: String.raw`\hat\mu = \frac{1}{${n}}\sum_{i=1}^{n} x^{(i)} = ${texVec(r.mean, 6)}`,
            numbers: [{ label: String.raw`\hat\mu`, value: r.mean }],
          },
          {
            title: "Scatter matrix of the centred points",
            tex: String.raw`S = \sum_{i=1}^{n}\left(x^{(i)} - \hat\mu\right)\left(x^{(i)} - \hat\mu\right)^{\top} = ${texMat(
              r.covariance.map((row) => row.map((v) => v * n)),
              6,
            )}`,
          },
          {
            title: "Divide by n (not n − 1)",
            tex: String.raw`\hat\Sigma = \frac{S}{${n}} = ${texMat(r.covariance, 6)}`,
            numbers: [
              { label: String.raw`\hat\Sigma`, value: r.covariance },
              { label: String.raw`\ell(\hat\mu, \hat\Sigma)`, value: r.logLikelihood },
            ],
          },
        ],
      },
    };
  },
  parts: ({ d }) => [
    { name: "mean", label: "MLE of the mean vector μ", shape: { kind: "vector", length: d } },
    { name: "covariance", label: "MLE of the covariance matrix Σ", shape: { kind: "matrix", rows: d, cols: d } },
  ],
  mistakes({ x }, _p, key) {
    const n = x.length;
    const mean = key.mean as number[];
    const cov = key.covariance as number[][];
    const d = mean.length;
    return [
      ...mistake("n-minus-1", "You divided by n − 1 (the unbiased estimator); the MLE divides by n.", {
        covariance: mapValue(cov, (v) => (v * n) / (n - 1)),
      }),
      // With d = 1 there are no off-diagonal entries: the mistake is the key itself.
      ...(d === 1 ? [] : mistake("diagonal-only", "You left out the covariances between coordinates; the full Σ̂ has off-diagonal entries too.", {
        covariance: cov.map((row, a) => row.map((v, b) => (a === b ? v : 0))),
      })),
      ...mistake("not-centred", "You averaged x xᵀ without subtracting the mean first; use (x − μ̂)(x − μ̂)ᵀ.", {
        covariance: cov.map((row, a) => row.map((v, b) => v + mean[a] * mean[b])),
      }),
      ...mistake("standard-deviations", "You put standard deviations on the diagonal; Σ̂ holds variances there.", {
        covariance: cov.map((row, a) => row.map((v, b) => (a === b ? Math.sqrt(v) : v))),
      }),
    ];
  },
  table: ({ x }) => pointsTable(x),
  questionContext: ({ x }) => ({ n: x.length, d: x[0].length, plot: pointsPlot(x) }),
  summary: ({ x }) => `n = ${x.length}, d = ${x[0].length}`,
  validate: ({ x }) => (x.length <= x[0].length ? ["fewer points than dimensions + 1"] : []),
});
