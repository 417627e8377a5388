import { bernoulliMle } from "../../src/solver";
import { bernoulliSample, roundTo } from "../../src/solver/datasets";
import { defineExercise } from "../contract";
import { mistake } from "../common";
import { paramsSchema, sizeParam } from "../params";
import { texNum } from "../tex";

type Params = { n: number };
type Data = { x: number[] };

const params = [sizeParam.n(12, 4, 500)];

export const bernoulliMleExercise = defineExercise<Params, Data>({
  slug: "bernoulli-mle",
  title: "MLE of a Bernoulli parameter",
  topic: "Single distributions",
  description: "Estimate the probability of a 1 from a sample of 0/1 outcomes.",
  formula: String.raw`\hat\theta = \frac{1}{n}\sum_{i=1}^{n} x^{(i)} = \frac{n_1}{n}`,
  params,
  schema: paramsSchema<Params>(params),
  examples: [{ n: 40 }],
  generate(rng, { n }) {
    const theta = roundTo(rng.between(0.2, 0.8), 2);
    return { x: bernoulliSample(rng, { n, theta }) };
  },
  solve({ x }) {
    const r = bernoulliMle(x);
    const n1 = x.filter((v) => v === 1).length;
    return {
      key: { theta: r.theta },
      solution: {
        steps: [
          {
            title: "Count the ones",
            tex: String.raw`n_1 = \sum_{i=1}^{n} x^{(i)} = ${n1}, \qquad n = ${x.length}`,
          },
          {
            title: "Maximise the log-likelihood",
            text: "Setting the derivative of l(θ) = n1 ln θ + (n − n1) ln(1 − θ) to zero gives the fraction of ones.",
            tex: String.raw`\hat\theta = \frac{n_1}{n} = \frac{${n1}}{${x.length}} = ${texNum(r.theta, 6)}`,
            numbers: [{ label: String.raw`\hat\theta`, value: r.theta }],
          },
        ],
      },
    };
  },
  parts: () => [{ name: "theta", label: "MLE of θ", shape: { kind: "scalar" } }],
  mistakes({ x }, _p, key) {
    const n = x.length;
    const n1 = x.filter((v) => v === 1).length;
    const theta = key.theta as number;
    return [
      ...mistake("fraction-of-zeros", "You computed the fraction of zeros; θ is the probability of a 1, so θ̂ = n₁/n.", {
        theta: 1 - theta,
      }),
      ...mistake("n-minus-1", "You divided by n − 1; the MLE divides by the number of observations n.", { theta: n1 / (n - 1) }),
      ...mistake("odds", "You computed the odds n₁/n₀; the MLE is the fraction of ones n₁/n.", { theta: n1 / (n - n1) }),
      ...mistake("count", "You gave the number of ones n₁; divide it by n.", { theta: n1 }),
    ];
  },
  table: ({ x }) => ({ columns: ["x"], rows: x.map((v) => [v]) }),
  questionContext: ({ x }) => ({ n: x.length }),
  summary: ({ x }) => `n = ${x.length}`,
  validate({ x }) {
    const ones = x.filter((v) => v === 1).length;
    return ones === 0 || ones === x.length ? ["the sample needs both outcomes"] : [];
  },
});
