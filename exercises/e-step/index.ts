import { eStep } from "../../src/solver";
import { roundTo } from "../../src/solver/datasets";
import { defineExercise } from "../contract";
import { pointsPlot, pointsTable, type SphericalMixture, sum } from "../common";
import { eStepMistakes, sampleWithInit, texLines, texMixture, weightedDensities } from "../em-shared";
import { paramsSchema, sizeParam } from "../params";
import { texMat, texNum } from "../tex";

type Params = { m: number; d: number; k: number };
type Data = { x: number[][] } & SphericalMixture;

const params = [
  { ...sizeParam.n(4, 1, 50), name: "m", label: "Number of points m", description: "How many points to compute responsibilities for (1 to 50)." },
  sizeParam.d(1, 1, 3),
  sizeParam.k(2, 2, 4),
];

export const eStepExercise = defineExercise<Params, Data>({
  slug: "e-step",
  title: "E-step: responsibilities",
  topic: "EM",
  description: "Compute the responsibilities p(j | i) of a few points under given spherical mixture parameters.",
  formula: String.raw`p(j \mid i) = \frac{\gamma_j\,\mathcal N(x^{(i)} \mid \mu^{(j)}, \sigma^2_j I)}{\sum_{l} \gamma_l\,\mathcal N(x^{(i)} \mid \mu^{(l)}, \sigma^2_l I)}`,
  params,
  schema: paramsSchema<Params>(params),
  examples: [{ m: 6, d: 2, k: 3 }],
  generate(rng, { m, d, k }) {
    const s = sampleWithInit(rng, { n: 2 * k, d, k, separation: 3, decimals: 1, jitter: 0 });
    const comps = s.init;
    // Points between two components, where the responsibilities are not all 0 or 1.
    const x = Array.from({ length: m }, () => {
      const a = rng.int(0, k - 1);
      const b = (a + rng.int(1, k - 1)) % k;
      const t = rng.between(0.25, 0.75);
      return comps.means[a].map((v, j) => roundTo(v + t * (comps.means[b][j] - v) + rng.normal(0, 0.3), 1));
    });
    return { x, weights: comps.weights, means: comps.means, variances: comps.variances };
  },
  solve(data) {
    const { x } = data;
    const r = eStep(x, data, "spherical");
    const u = weightedDensities(x, data);
    return {
      key: { responsibilities: r.responsibilities },
      solution: {
        steps: [
          {
            title: "Weighted densities γⱼ N(x | μⱼ, σⱼ² I) of each point (rows) under each component (columns)",
            tex: String.raw`${texMat(u, 5)}`,
          },
          {
            title: "Divide each row by its sum",
            tex: texLines(
              u.map((row, i) => String.raw`\textstyle\sum_l \gamma_l\,\mathcal N\left(x^{(${i + 1})}\right) = ${texNum(sum(row), 5)}`),
            ),
          },
          {
            title: "Responsibilities (each row sums to one)",
            tex: String.raw`P = ${texMat(r.responsibilities, 6)}`,
            numbers: [{ label: "P", value: r.responsibilities }],
          },
        ],
      },
    };
  },
  parts: ({ m, k }) => [
    { name: "responsibilities", label: "Responsibilities p(j | i): one row per point, one column per component", shape: { kind: "matrix", rows: m, cols: k } },
  ],
  mistakes(data, _p, key) {
    return eStepMistakes(data.x, data, key.responsibilities as number[][]);
  },
  table: ({ x }) => pointsTable(x),
  questionContext: (data) => ({
    m: data.x.length,
    d: data.x[0].length,
    k: data.weights.length,
    paramsTex: texMixture(data),
    plot: pointsPlot(data.x, { components: data, title: "The points and the components" }),
  }),
  summary: (data) => `m = ${data.x.length}, d = ${data.x[0].length}, k = ${data.weights.length}`,
  validate: (data) => (data.variances.some((v) => !(v > 0)) ? ["a variance is not positive"] : []),
});
