import { gaussianMle } from "../../src/solver";
import { gaussianSample, roundTo } from "../../src/solver/datasets";
import { defineExercise } from "../contract";
import { mistake, pointsPlot, sum } from "../common";
import { paramsSchema, sizeParam } from "../params";
import { texNum } from "../tex";

type Params = { n: number };
type Data = { x: number[] };

const params = [sizeParam.n(10, 3, 500)];

/** The sample median (a wrong answer for the mean: the lecture's estimator is the sample mean). */
function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export const gaussianMleExercise = defineExercise<Params, Data>({
  slug: "gaussian-mle",
  title: "MLE of a univariate Gaussian",
  topic: "Single distributions",
  description: "Estimate the mean and the variance of a univariate Gaussian from a sample (the MLE divides by n).",
  formula: String.raw`\hat\mu = \frac{1}{n}\sum_{i=1}^{n} x^{(i)}, \qquad \hat\sigma^2 = \frac{1}{n}\sum_{i=1}^{n}\left(x^{(i)} - \hat\mu\right)^2`,
  params,
  schema: paramsSchema<Params>(params),
  examples: [{ n: 3 }, { n: 60 }],
  generate(rng, { n }) {
    const mean = roundTo(rng.between(-5, 5), 1);
    const sd = roundTo(rng.between(0.5, 3), 1);
    return { x: gaussianSample(rng, { n, mean, sd, decimals: 2 }) };
  },
  solve({ x }) {
    const r = gaussianMle(x);
    const n = x.length;
    const s = sum(x);
    return {
      key: { mean: r.mean, variance: r.variance },
      solution: {
        steps: [
          {
            title: "Sample mean",
            tex: String.raw`\hat\mu = \frac{1}{n}\sum_{i=1}^{n} x^{(i)} = \frac{${texNum(s, 8)}}{${n}} = ${texNum(r.mean, 6)}`,
            numbers: [{ label: String.raw`\hat\mu`, value: r.mean }],
          },
          {
            title: "Sum of squared deviations",
            tex: String.raw`\sum_{i=1}^{n}\left(x^{(i)} - \hat\mu\right)^2 = ${texNum(n * r.variance, 6)}`,
          },
          {
            title: "Divide by n (not n − 1)",
            tex: String.raw`\hat\sigma^2 = \frac{${texNum(n * r.variance, 6)}}{${n}} = ${texNum(r.variance, 6)}`,
            numbers: [
              { label: String.raw`\hat\sigma^2`, value: r.variance },
              { label: String.raw`\ell(\hat\mu, \hat\sigma^2)`, value: r.logLikelihood },
            ],
          },
        ],
      },
    };
  },
  parts: () => [
    { name: "mean", label: "MLE of the mean μ", shape: { kind: "scalar" } },
    { name: "variance", label: "MLE of the variance σ²", shape: { kind: "scalar" } },
  ],
  mistakes({ x }, _p, key) {
    const n = x.length;
    const mean = key.mean as number;
    const variance = key.variance as number;
    return [
      ...mistake("n-minus-1", "You divided by n − 1 (the unbiased estimator); the MLE divides by n.", {
        variance: (variance * n) / (n - 1),
      }),
      ...mistake("standard-deviation", "You gave the standard deviation σ̂; the question asks for the variance σ̂².", {
        variance: Math.sqrt(variance),
      }),
      ...mistake("not-centred", "You averaged x² without subtracting the mean first; use (x − μ̂)².", {
        variance: variance + mean * mean,
      }),
      ...mistake("median", "You gave the median; the MLE of the mean is the sample mean.", { mean: median(x) }),
    ];
  },
  table: ({ x }) => ({ columns: ["x"], rows: x.map((v) => [v]) }),
  questionContext: ({ x }) => ({ n: x.length, plot: pointsPlot(x.map((v) => [v]), { title: "Histogram of the sample" }) }),
  summary: ({ x }) => `n = ${x.length}`,
  validate: ({ x }) => (x.every((v) => v === x[0]) ? ["all values are equal"] : []),
});
