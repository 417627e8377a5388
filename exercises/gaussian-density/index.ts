import { fullLogPdf } from "../../src/solver";
import { randomCovariance, roundTo } from "../../src/solver/datasets";
import { defineExercise } from "../contract";
import { mistake, sum } from "../common";
import { paramsSchema, sizeParam } from "../params";
import { scatterSvg } from "../../src/render";
import { texMat, texNum, texVec } from "../tex";

type Params = { d: number };
type Data = { point: number[]; mean: number[]; covariance: number[][] };

const params = [sizeParam.d(2, 1, 3)];
const LN_2PI = Math.log(2 * Math.PI);

/** ln|Sigma| and the Mahalanobis term (x - mu)^T Sigma^-1 (x - mu), read off the solver's log-density. */
function pieces({ point, mean, covariance }: Data) {
  const d = mean.length;
  const logPdf = fullLogPdf(point, mean, covariance);
  const atMean = fullLogPdf(mean, mean, covariance);
  const logDet = -2 * atMean - d * LN_2PI;
  const maha = -2 * (logPdf - atMean);
  return { logPdf, logDet, maha };
}

export const gaussianDensityExercise = defineExercise<Params, Data>({
  slug: "gaussian-density",
  title: "Multivariate Gaussian density at a point",
  topic: "Single distributions",
  description: "Evaluate the density and the log-density of a multivariate Gaussian N(μ, Σ) at a given point.",
  formula: String.raw`\mathcal N(x \mid \mu, \Sigma) = \frac{1}{(2\pi)^{d/2}\,|\Sigma|^{1/2}}\exp\!\left(-\tfrac{1}{2}(x - \mu)^{\top}\Sigma^{-1}(x - \mu)\right)`,
  params,
  schema: paramsSchema<Params>(params),
  examples: [{ d: 1 }, { d: 3 }],
  generate(rng, { d }) {
    const mean = Array.from({ length: d }, () => roundTo(rng.between(-2, 2), 1));
    const covariance = randomCovariance(rng, { d, minSd: 0.7, maxSd: 1.6, decimals: 1 });
    const point = mean.map((m) => roundTo(m + rng.between(-1.5, 1.5), 1));
    return { point, mean, covariance };
  },
  solve(data) {
    const { logPdf, logDet, maha } = pieces(data);
    const d = data.mean.length;
    const diff = data.point.map((v, j) => v - data.mean[j]);
    return {
      key: { density: Math.exp(logPdf), logDensity: logPdf },
      solution: {
        steps: [
          { title: "Difference to the mean", tex: String.raw`x - \mu = ${texVec(diff.map((v) => roundTo(v, 10)))}` },
          {
            title: "Determinant and quadratic form",
            tex: String.raw`|\Sigma| = ${texNum(Math.exp(logDet), 6)}, \qquad (x - \mu)^{\top}\Sigma^{-1}(x - \mu) = ${texNum(maha, 6)}`,
          },
          {
            title: "Log-density",
            tex: String.raw`\ln\mathcal N = -\frac{${d}}{2}\ln(2\pi) - \frac{1}{2}\ln|\Sigma| - \frac{1}{2}\cdot ${texNum(maha, 6)} = ${texNum(logPdf, 6)}`,
            numbers: [{ label: String.raw`\ln\mathcal N(x \mid \mu, \Sigma)`, value: logPdf }],
          },
          {
            title: "Density",
            tex: String.raw`\mathcal N(x \mid \mu, \Sigma) = e^{${texNum(logPdf, 6)}} = ${texNum(Math.exp(logPdf), 6)}`,
            numbers: [{ label: String.raw`\mathcal N(x \mid \mu, \Sigma)`, value: Math.exp(logPdf) }],
          },
        ],
      },
    };
  },
  parts: () => [
    { name: "density", label: "Density N(x | μ, Σ)", shape: { kind: "scalar" } },
    { name: "logDensity", label: "Log-density ln N(x | μ, Σ) (natural log)", shape: { kind: "scalar" } },
  ],
  mistakes(data) {
    const { logPdf, logDet, maha } = pieces(data);
    const d = data.mean.length;
    const diff = data.point.map((v, j) => v - data.mean[j]);
    // (x - mu)^T Sigma (x - mu): the covariance used where its inverse belongs.
    const withSigma = sum(diff.map((a, p) => sum(diff.map((b, q) => a * data.covariance[p][q] * b))));
    const both = (id: string, message: string, lp: number) => mistake(id, message, { density: Math.exp(lp), logDensity: lp });
    return [
      ...both("forgot-2pi", "You forgot the factor (2π) raised to d/2 in the normaliser.", logPdf + (d / 2) * LN_2PI),
      ...both("forgot-determinant", "You forgot the √|Σ| factor in the normaliser.", logPdf + logDet / 2),
      ...both("determinant-not-square-root", "You divided by |Σ|; the normaliser has its square root √|Σ|.", logPdf - logDet / 2),
      ...both("forgot-half-in-exponent", "You forgot the 1/2 in the exponent −(1/2)(x − μ)ᵀΣ⁻¹(x − μ).", logPdf - maha / 2),
      ...both("sigma-not-inverse", "You used Σ in the quadratic form; it needs the inverse Σ⁻¹.", logPdf + maha / 2 - withSigma / 2),
      ...mistake("log10", "You used log base 10; give the natural logarithm ln.", { logDensity: logPdf / Math.LN10 }),
    ];
  },
  table: ({ point }) => ({ columns: point.length === 1 ? ["x"] : point.map((_, j) => `x${j + 1}`), rows: [point] }),
  questionContext: (data) => ({
    d: data.mean.length,
    pointTex: texVec(data.point),
    meanTex: texVec(data.mean),
    covTex: texMat(data.covariance),
    plot:
      data.mean.length === 2
        ? scatterSvg([data.point], {
            ellipses: [{ mean: data.mean, covariance: data.covariance, component: 0 }],
            title: "The point and the Gaussian's 1- and 2-sigma ellipses",
            xLabel: "x1",
            yLabel: "x2",
          })
        : "",
  }),
  summary: (data) => `d = ${data.mean.length}`,
  validate: () => [],
});
