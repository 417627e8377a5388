/** Pieces shared by the EM exercises (e-step, m-step, em-iteration, em-convergence, mixture-log-likelihood). */
import type { Mistake } from "../src/grading";
import { gmmKnownLabels, mStep, SolverError, sphericalGaussianMle, sphericalLogPdf } from "../src/solver";

function knownLabelsOrNull(x: number[][], labels: number[], k: number): ReturnType<typeof gmmKnownLabels> | null {
  try {
    const r = gmmKnownLabels(x, labels, k);
    return r.variances.every((v) => v > 0) ? r : null;
  } catch (err) {
    if (err instanceof SolverError) return null;
    throw err;
  }
}
import { mixtureSample, roundTo } from "../src/solver/datasets";
import type { Rng } from "../src/solver/random";
import { argmax, mistake, pointsPlot, pointsTable, reversed, roundWeights, type SphericalMixture, sum } from "./common";
import { texNum, texPoint } from "./tex";

/** A mixture sample plus a rough starting guess: means moved off the truth, variances rescaled, weights rounded. */
export function sampleWithInit(
  rng: Rng,
  opts: { n: number; d: number; k: number; separation: number; decimals: number; jitter: number },
): { x: number[][]; labels: number[]; truth: SphericalMixture; init: SphericalMixture } {
  const s = mixtureSample(rng, { n: opts.n, d: opts.d, k: opts.k, covariance: "spherical", separation: opts.separation, decimals: opts.decimals });
  const variances = s.variances as number[];
  const init: SphericalMixture = {
    weights: roundWeights(rng, opts.k),
    means: s.means.map((m, j) => m.map((v) => roundTo(v + rng.normal(0, opts.jitter * Math.sqrt(variances[j])), 1))),
    variances: variances.map((v) => Math.max(0.2, roundTo(v * rng.between(0.6, 1.6), 1))),
  };
  return { x: s.x, labels: s.labels, truth: { weights: s.weights, means: s.means, variances }, init };
}

/** gamma_j N(x(i) | mu(j), sigma2_j I) for every point and component (n x k): the unnormalised responsibilities. */
export function weightedDensities(x: number[][], p: SphericalMixture): number[][] {
  return x.map((xi) => p.weights.map((w, j) => w * Math.exp(sphericalLogPdf(xi, p.means[j], p.variances[j]))));
}

/** The spherical M-step from given responsibilities (solver), as plain arrays. */
export function mStepSpherical(x: number[][], resp: number[][]): SphericalMixture {
  const r = mStep(x, resp, "spherical");
  return { weights: r.weights, means: r.means, variances: r.variances as number[] };
}

/**
 * The M-step mistakes every exercise that ends in an M-step can recognise: weights as counts,
 * unweighted (plain) means, no 1/d, variances divided by n, hard assignments, components swapped.
 * `key` holds weights, means and variances computed from responsibilities `resp`.
 */
export function mStepMistakes(
  x: number[][],
  resp: number[][],
  key: SphericalMixture,
  opts: { orderMatters: boolean; oldMeans?: number[][] },
): Mistake[] {
  const n = x.length;
  const d = x[0].length;
  const k = key.weights.length;
  const nk = Array.from({ length: k }, (_, j) => sum(resp.map((r) => r[j])));
  const all = sphericalGaussianMle(x);
  const out: Mistake[] = [
    ...mistake("counts-not-fractions", "Your weights are the soft counts n̂ⱼ; the mixing weights are n̂ⱼ / n and sum to one.", {
      weights: nk,
    }),
    ...mistake("unweighted-m-step", "You averaged all points equally; weight each point by its responsibility p(j | i) and divide by n̂ⱼ.", {
      means: Array.from({ length: k }, () => all.mean.slice()),
      variances: Array.from({ length: k }, () => all.variance),
    }),
    // With d = 1 there is nothing to forget: the mistake is the key itself.
    ...(d === 1 ? [] : mistake("forgot-1-over-d", "You forgot the 1/d: a spherical variance divides the weighted squared distances by d·n̂ⱼ.", {
      variances: key.variances.map((v) => v * d),
    })),
    ...mistake("divided-by-n", "You divided the weighted squared distances by n; divide by d·n̂ⱼ, the component's soft count.", {
      variances: key.variances.map((v, j) => (v * nk[j]) / n),
    }),
  ];
  // Hard EM: assign each point to its most responsible component, then the known-label formulas.
  const labels = resp.map((r) => argmax(r));
  const counts = Array.from({ length: k }, (_, j) => labels.filter((l) => l === j).length);
  // A hard cluster whose points are all equal has no MLE (the solver refuses it): no such mistake then.
  const hard = counts.every((c) => c >= 1) ? knownLabelsOrNull(x, labels, k) : null;
  if (hard) {
    out.push(
      ...mistake("hard-assignment", "You assigned each point wholly to its most likely component; EM weights every point by its responsibilities.", {
        weights: hard.weights,
        means: hard.means,
        variances: hard.variances,
      }),
    );
  }
  if (opts.oldMeans) {
    const old = opts.oldMeans;
    const variances = key.means.map((_, j) => sum(x.map((xi, i) => resp[i][j] * sum(xi.map((v, t) => (v - old[j][t]) ** 2)))) / (d * nk[j]));
    out.push(
      ...mistake("old-means-in-variance", "You measured the squared distances from the old means; the M-step uses the new means μ(j).", { variances }),
    );
  }
  if (opts.orderMatters) {
    out.push(
      ...mistake(
        "components-swapped",
        "Your components are in a different order; keep the order of the given parameters (component 1 first).",
        { weights: reversed(key.weights), means: reversed(key.means), variances: reversed(key.variances) },
      ),
    );
  }
  return out;
}

/** TeX listing the given mixture parameters, one line per component. */
export function texMixture(p: SphericalMixture): string {
  return texLines(
    p.weights.map(
      (w, j) =>
        String.raw`\gamma_{${j + 1}} = ${texNum(w)}, \quad \mu^{(${j + 1})} = ${texPoint(p.means[j])}, \quad \sigma^2_{${j + 1}} = ${texNum(p.variances[j])}`,
    ),
  );
}

/**
 * Stacks TeX lines in a gathered environment with room between rows: fractions on consecutive
 * lines would otherwise touch (a bare top-level \\ gives no row spacing at all).
 */
export function texLines(lines: string[]): string {
  return String.raw`\begin{gathered}${lines.join(String.raw`\\[0.6em]`)}\end{gathered}`;
}

/** Table, question context, summary and validation of exercises whose data are points `x` and an initial mixture `init`. */
export function fromInitialMixture(plotTitle: string) {
  return {
    table: ({ x }: { x: number[][] }) => pointsTable(x),
    questionContext: ({ x, init }: { x: number[][]; init: SphericalMixture }) => ({
      n: x.length,
      d: x[0]!.length,
      k: init.weights.length,
      initTex: texMixture(init),
      plot: pointsPlot(x, { components: init, title: plotTitle }),
    }),
    summary: ({ x, init }: { x: number[][]; init: SphericalMixture }) => `n = ${x.length}, d = ${x[0]!.length}, k = ${init.weights.length}`,
    validate: ({ init }: { init: SphericalMixture }) => (init.variances.some((v) => !(v > 0)) ? ["an initial variance is not positive"] : []),
  };
}
