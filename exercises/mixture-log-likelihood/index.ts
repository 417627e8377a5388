import { mixtureLogLikelihood, sphericalLogPdf } from "../../src/solver";
import { roundTo } from "../../src/solver/datasets";
import { defineExercise } from "../contract";
import { mistake, pointsPlot, pointsTable, type SphericalMixture, sum } from "../common";
import { sampleWithInit, texLines, texMixture, weightedDensities } from "../em-shared";
import { paramsSchema, sizeParam } from "../params";
import { texNum } from "../tex";

type Params = { n: number; d: number; k: number };
type Data = { x: number[][] } & SphericalMixture;

const params = [sizeParam.n(6, 2, 300), sizeParam.d(1, 1, 3), sizeParam.k(2, 2, 4)];

export const mixtureLogLikelihoodExercise = defineExercise<Params, Data>({
  slug: "mixture-log-likelihood",
  title: "Log-likelihood of a mixture",
  topic: "EM",
  description: "Evaluate the log-likelihood of data under given spherical mixture parameters (the quantity EM never decreases).",
  formula: String.raw`\ell = \sum_{i=1}^{n}\ln\sum_{j=1}^{k}\gamma_j\,\mathcal N\left(x^{(i)} \mid \mu^{(j)}, \sigma^2_j I\right)`,
  params,
  schema: paramsSchema<Params>(params),
  examples: [{ n: 10, d: 2, k: 3 }],
  generate(rng, { n, d, k }) {
    const s = sampleWithInit(rng, { n: Math.max(n, 2 * k), d, k, separation: 3, decimals: 1, jitter: 0.3 });
    const x = s.x.slice(0, n);
    return { x, weights: s.init.weights, means: s.init.means, variances: s.init.variances.map((v) => roundTo(v, 1)) };
  },
  solve(data) {
    const ll = mixtureLogLikelihood(data.x, data, "spherical");
    const perPoint = weightedDensities(data.x, data).map((row) => sum(row));
    return {
      key: { logLikelihood: ll },
      solution: {
        steps: [
          {
            title: "Mixture density of each point: the weighted component densities added up",
            tex: texLines(perPoint.map((p, i) => String.raw`p\left(x^{(${i + 1})}\right) = ${texNum(p, 5)}`)),
          },
          {
            title: "Add up the natural logarithms",
            tex: String.raw`\ell = \sum_{i} \ln p\left(x^{(i)}\right) = ${perPoint.map((p) => texNum(Math.log(p), 5)).join(" + ").replace(/\+ -/g, "- ")} = ${texNum(ll, 6)}`,
            numbers: [{ label: String.raw`\ell`, value: ll }],
          },
        ],
      },
    };
  },
  parts: () => [{ name: "logLikelihood", label: "Log-likelihood ℓ (natural log, total over points)", shape: { kind: "scalar" } }],
  mistakes(data, _p, key) {
    const { x } = data;
    const ll = key.logLikelihood as number;
    const n = x.length;
    const d = x[0].length;
    const logs = x.map((xi) => data.weights.map((w, j) => Math.log(w) + sphericalLogPdf(xi, data.means[j], data.variances[j])));
    return [
      ...mistake("log10", "You used log base 10; the log-likelihood uses the natural logarithm ln.", { logLikelihood: ll / Math.LN10 }),
      ...mistake("forgot-weights", "You left out the mixing weights γⱼ inside the sum.", {
        logLikelihood: sum(x.map((xi) => Math.log(sum(data.means.map((m, j) => Math.exp(sphericalLogPdf(xi, m, data.variances[j]))))))),
      }),
      ...mistake("log-inside-sum", "You summed the logs of the components; the log of a mixture is ln of the sum over components, not a sum of logs.", {
        logLikelihood: sum(logs.map((row) => sum(row))),
      }),
      ...mistake("nearest-component", "You kept only the most likely component of each point; the mixture adds up all components.", {
        logLikelihood: sum(logs.map((row) => Math.max(...row))),
      }),
      ...mistake("mean-per-point", "You gave the average per point; the log-likelihood is the total over all n points.", { logLikelihood: ll / n }),
      ...mistake("forgot-2pi", "You forgot the factor (2π) raised to d/2 in the Gaussian normaliser.", { logLikelihood: ll + (n * d * Math.log(2 * Math.PI)) / 2 }),
    ];
  },
  table: ({ x }) => pointsTable(x),
  questionContext: (data) => ({
    n: data.x.length,
    d: data.x[0].length,
    k: data.weights.length,
    paramsTex: texMixture(data),
    plot: pointsPlot(data.x, { components: data, title: "The data and the mixture's components" }),
  }),
  summary: (data) => `n = ${data.x.length}, d = ${data.x[0].length}, k = ${data.weights.length}`,
  validate: (data) => (data.variances.some((v) => !(v > 0)) ? ["a variance is not positive"] : []),
});
