import { gaussianMle } from "../../src/solver";
import { DEFAULT_RTOL } from "../../src/grading";
import { decimalsFor, gaussianSample } from "../../src/solver/datasets";
import { defineExercise, type ParamSpec } from "../contract";
import { mistake, pointsPlot } from "../common";
import { paramsSchema, sizeParam } from "../params";
import { texNum } from "../tex";

type Params = { n: number; mu: number; sigma: number };
type Data = { x: number[]; mu: number; sigma: number };

/**
 * Tolerances that separate right from wrong at every n. The sample mean lies about σ/√n from the
 * true μ (and a key near 0 makes a relative tolerance absurd), so μ̂ is graded within a quarter of
 * σ/√n. Dividing by n − 1 changes σ̂² by 1/(n − 1), under 1% once n > 100, so σ̂² is graded
 * within 1/(4n) relative (at most the usual 1%). createVariant draws the sample again when the
 * true values still fall within these.
 */
export function sampleSizeTolerances({ n, sigma }: { n: number; sigma: number }): { meanAtol: number; varianceRtol: number } {
  return { meanAtol: sigma / (4 * Math.sqrt(n)), varianceRtol: Math.min(DEFAULT_RTOL, 1 / (4 * n)) };
}

/** Significant digits whose rounding error (at most half a unit in the last digit) stays within rtol. */
function digitsFor(rtol: number): number {
  return Math.ceil(1 - Math.log10(2 * rtol));
}

const params: ParamSpec[] = [
  sizeParam.n(1000, 10, 20000),
  { name: "mu", label: "True mean μ", kind: "number", default: 0, min: -100, max: 100, description: "Mean of the Gaussian the sample is drawn from." },
  {
    name: "sigma",
    label: "True standard deviation σ",
    kind: "number",
    default: 0.1,
    min: 0.001,
    max: 100,
    description: "Standard deviation of the Gaussian the sample is drawn from (the lecture uses 0.1).",
  },
];

export const mleSampleSizeExercise = defineExercise<Params, Data>({
  slug: "mle-sample-size",
  title: "Try it yourself: MLE from a simulated sample",
  topic: "Single distributions",
  description:
    "The lecture's in-class exercise: n samples from N(μ, σ²); estimate the mean and the variance (graded to the precision n calls for) and compare them with the truth.",
  formula: String.raw`\hat\mu = \frac{1}{n}\sum_{i=1}^{n} x^{(i)} \approx \mu \pm \frac{\sigma}{\sqrt n}, \qquad \hat\sigma^2 = \frac{1}{n}\sum_{i=1}^{n}\left(x^{(i)} - \hat\mu\right)^2`,
  params,
  schema: paramsSchema<Params>(params),
  examples: [{ n: 50, mu: 5, sigma: 2 }],
  generate(rng, { n, mu, sigma }) {
    return { x: gaussianSample(rng, { n, mean: mu, sd: sigma, decimals: decimalsFor(sigma, 3) }), mu, sigma };
  },
  solve({ x, mu, sigma }) {
    const r = gaussianMle(x);
    return {
      key: { mean: r.mean, variance: r.variance },
      solution: {
        steps: [
          {
            title: "Sample mean",
            tex: String.raw`\hat\mu = \frac{1}{${x.length}}\sum_i x^{(i)} = ${texNum(r.mean, 6)} \quad (\text{true } \mu = ${texNum(mu)},\ \sigma/\sqrt{n} = ${texNum(sigma / Math.sqrt(x.length), 3)})`,
            numbers: [{ label: String.raw`\hat\mu`, value: r.mean }],
          },
          {
            title: "MLE of the variance (divide by n)",
            tex: String.raw`\hat\sigma^2 = \frac{1}{${x.length}}\sum_i \left(x^{(i)} - \hat\mu\right)^2 = ${texNum(r.variance, 6)} \quad (\text{true } \sigma^2 = ${texNum(sigma * sigma, 6)})`,
            numbers: [{ label: String.raw`\hat\sigma^2`, value: r.variance }],
          },
        ],
      },
    };
  },
  parts: (p) => {
    const t = sampleSizeTolerances(p);
    return [
      { name: "mean", label: "MLE of the mean μ", shape: { kind: "scalar" }, rtol: 0, atol: t.meanAtol },
      { name: "variance", label: "MLE of the variance σ²", shape: { kind: "scalar" }, rtol: t.varianceRtol, atol: 0 },
    ];
  },
  mistakes({ x, mu, sigma }, _p, key) {
    const n = x.length;
    const variance = key.variance as number;
    return [
      ...mistake("n-minus-1", "You divided by n − 1 (the unbiased estimator); the MLE divides by n.", { variance: (variance * n) / (n - 1) }),
      ...mistake("standard-deviation", "You gave the standard deviation σ̂; the question asks for the variance σ̂².", {
        variance: Math.sqrt(variance),
      }),
      ...mistake("true-mean", "You gave the true μ the data were drawn from; estimate it from the sample.", { mean: mu }),
      ...mistake("true-variance", "You gave the true σ²; estimate the variance from the sample.", { variance: sigma * sigma }),
      ...mistake("true-sigma", "You gave the true σ; the question asks for the estimated variance σ̂².", { variance: sigma }),
    ];
  },
  table: ({ x }) => ({ columns: ["x"], rows: x.map((v) => [v]) }),
  questionContext: ({ x, mu, sigma }) => {
    const t = sampleSizeTolerances({ n: x.length, sigma });
    return {
      n: x.length,
      mu,
      sigma,
      standardError: texNum(sigma / Math.sqrt(x.length), 3),
      meanAtol: texNum(t.meanAtol, 2),
      varianceDigits: digitsFor(t.varianceRtol),
      variancePercent: texNum(t.varianceRtol * 100, 2),
      plot: pointsPlot(x.map((v) => [v]), { title: "Histogram of the sample" }),
    };
  },
  summary: ({ x, mu, sigma }) => `n = ${x.length}, μ = ${mu}, σ = ${sigma}`,
  validate: ({ x }) => (x.every((v) => v === x[0]) ? ["all values are equal"] : []),
});
