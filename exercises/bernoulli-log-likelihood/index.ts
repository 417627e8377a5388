import { bernoulliMle } from "../../src/solver";
import { bernoulliSample, roundTo } from "../../src/solver/datasets";
import { defineExercise } from "../contract";
import { mistake } from "../common";
import { paramsSchema, sizeParam } from "../params";
import { texNum } from "../tex";

type Params = { n: number };
type Data = { x: number[]; theta0: number };

const params = [sizeParam.n(10, 2, 500)];

/** l(theta) = n1 ln theta + n0 ln(1 - theta): the lecture's formula evaluated at a given theta in (0, 1). */
function logLikelihoodAt(n1: number, n0: number, theta: number): number {
  return n1 * Math.log(theta) + n0 * Math.log(1 - theta);
}

export const bernoulliLogLikelihoodExercise = defineExercise<Params, Data>({
  slug: "bernoulli-log-likelihood",
  title: "Bernoulli log-likelihood",
  topic: "Single distributions",
  description: "Evaluate the Bernoulli log-likelihood at a given θ and at the MLE, and see that the MLE scores higher.",
  formula: String.raw`\ell(\theta) = n_1\ln\theta + (n - n_1)\ln(1 - \theta)`,
  params,
  schema: paramsSchema<Params>(params),
  examples: [{ n: 50 }],
  generate(rng, { n }) {
    const x = bernoulliSample(rng, { n, theta: roundTo(rng.between(0.2, 0.8), 2) });
    const mle = x.filter((v) => v === 1).length / n;
    for (;;) {
      const theta0 = roundTo(rng.between(0.1, 0.9), 2);
      if (Math.abs(theta0 - mle) >= 0.05) return { x, theta0 };
    }
  },
  solve({ x, theta0 }) {
    const mle = bernoulliMle(x);
    const n1 = x.filter((v) => v === 1).length;
    const n0 = x.length - n1;
    const at = logLikelihoodAt(n1, n0, theta0);
    return {
      key: { logLikelihood: at, logLikelihoodMle: mle.logLikelihood },
      solution: {
        steps: [
          { title: "Count the outcomes", tex: String.raw`n_1 = ${n1}, \qquad n - n_1 = ${n0}` },
          {
            title: "Log-likelihood at the given θ₀",
            tex: String.raw`\ell(${texNum(theta0)}) = ${n1}\ln ${texNum(theta0)} + ${n0}\ln ${texNum(roundTo(1 - theta0, 10))} = ${texNum(at, 6)}`,
            numbers: [{ label: String.raw`\ell(\theta_0)`, value: at }],
          },
          {
            title: "MLE and its log-likelihood",
            tex: String.raw`\hat\theta = \frac{${n1}}{${x.length}} = ${texNum(mle.theta, 6)}, \qquad \ell(\hat\theta) = ${texNum(mle.logLikelihood, 6)} \ge \ell(\theta_0)`,
            numbers: [
              { label: String.raw`\hat\theta`, value: mle.theta },
              { label: String.raw`\ell(\hat\theta)`, value: mle.logLikelihood },
            ],
          },
        ],
      },
    };
  },
  parts: () => [
    { name: "logLikelihood", label: "ℓ(θ₀) at the given θ₀ (natural log)", shape: { kind: "scalar" } },
    { name: "logLikelihoodMle", label: "ℓ(θ̂) at the MLE θ̂ (natural log)", shape: { kind: "scalar" } },
  ],
  mistakes({ x, theta0 }, _p, key) {
    const n1 = x.filter((v) => v === 1).length;
    const n0 = x.length - n1;
    const at = key.logLikelihood as number;
    const atMle = key.logLikelihoodMle as number;
    const thetaHat = n1 / x.length;
    return [
      ...mistake("log10", "You used log base 10; the log-likelihood uses the natural logarithm ln.", {
        logLikelihood: at / Math.LN10,
        logLikelihoodMle: atMle / Math.LN10,
      }),
      ...mistake("theta-swapped", "You paired ln θ with the zeros; θ is the probability of a 1, so n₁ goes with ln θ.", {
        logLikelihood: logLikelihoodAt(n0, n1, theta0),
      }),
      ...mistake("forgot-zeros", "You left out the zeros' term (n − n₁) ln(1 − θ).", {
        logLikelihood: n1 * Math.log(theta0),
        logLikelihoodMle: n1 * Math.log(thetaHat),
      }),
      ...mistake("likelihood-not-log", "You gave the likelihood; the question asks for its natural logarithm.", {
        logLikelihood: Math.exp(at),
        logLikelihoodMle: Math.exp(atMle),
      }),
    ];
  },
  table: ({ x }) => ({ columns: ["x"], rows: x.map((v) => [v]) }),
  questionContext: ({ x, theta0 }) => ({ n: x.length, theta0 }),
  summary: ({ x, theta0 }) => `n = ${x.length}, θ₀ = ${theta0}`,
  validate({ x }) {
    const ones = x.filter((v) => v === 1).length;
    return ones === 0 || ones === x.length ? ["the sample needs both outcomes"] : [];
  },
});
