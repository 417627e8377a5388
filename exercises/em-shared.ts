/** Pieces shared by the EM exercises (e-step, m-step, em-iteration, em-convergence, mixture-log-likelihood). */
import type { CarriedKey, Mistake, Value } from "../src/grading";
import { eStep, gmmKnownLabels, mStep, SolverError, sphericalGaussianMle, sphericalLogPdf } from "../src/solver";

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

/** Each row divided by its sum. */
export function normaliseRows(rows: number[][]): number[][] {
  return rows.map((r) => {
    const s = sum(r);
    return r.map((v) => v / s);
  });
}

/**
 * The E-step mistakes: unnormalised, mixing weights left out, the density's normaliser dropped,
 * the variance used as a standard deviation, hard (0/1) responsibilities, columns swapped.
 * `resp` holds the key's responsibilities of the points `x` under the mixture `p`.
 */
export function eStepMistakes(x: number[][], p: SphericalMixture, resp: number[][], opts: { hard?: boolean; varianceAsSd?: boolean } = {}): Mistake[] {
  const noWeights = normaliseRows(weightedDensities(x, { ...p, weights: p.weights.map(() => 1) }));
  // Dropping the 1/sigma^d factor of each density (only the exponentials, weighted).
  const expOnly = normaliseRows(
    x.map((xi) => p.weights.map((w, j) => w * Math.exp(-sum(xi.map((v, t) => (v - p.means[j][t]) ** 2)) / (2 * p.variances[j])))),
  );
  return [
    ...mistake("unnormalised-responsibilities", "You did not divide by the sum over components; each point's responsibilities must sum to one.", {
      responsibilities: weightedDensities(x, p),
    }),
    ...mistake("forgot-weights", "You left out the mixing weights γⱼ; the numerator is γⱼ N(x | μⱼ, σⱼ² I).", { responsibilities: noWeights }),
    ...mistake("dropped-normaliser", "You dropped the normalising factor (2πσⱼ²) raised to −d/2 from the densities; it differs between components, so it does not cancel.", {
      responsibilities: expOnly,
    }),
    ...(opts.varianceAsSd
      ? mistake("variance-as-sd", "You used the given variance σⱼ² where the density has the standard deviation σⱼ (so it was squared again); the density's variance is σⱼ² itself.", {
          responsibilities: normaliseRows(weightedDensities(x, { ...p, variances: p.variances.map((v) => v * v) })),
        })
      : []),
    ...(opts.hard
      ? mistake("hard-responsibilities", "You gave each point wholly to its most likely component; responsibilities are probabilities between 0 and 1.", {
          responsibilities: resp.map((row) => row.map((_, j) => (j === argmax(row) ? 1 : 0))),
        })
      : []),
    ...mistake("columns-swapped", "Your columns are in a different order; column j is component j as given.", {
      responsibilities: resp.map((row) => reversed(row)),
    }),
  ];
}

/** sigma2_j = sum_i r_ij ||x(i) - mu(j)||^2 / (d n_j) around the given means (k x d); r: n x k. */
export function weightedVariances(x: number[][], resp: number[][], means: number[][]): number[] {
  const d = x[0].length;
  return means.map((m, j) => {
    const nj = sum(resp.map((r) => r[j]));
    return sum(x.map((xi, i) => resp[i][j] * sum(xi.map((v, t) => (v - m[t]) ** 2)))) / (d * nj);
  });
}

/** A rows x cols matrix of finite numbers, or null. */
export function readableMatrix(v: Value | undefined, rows: number, cols: number): number[][] | null {
  if (!Array.isArray(v) || v.length !== rows) return null;
  const m = v as unknown[];
  return m.every((r) => Array.isArray(r) && r.length === cols && r.every((e) => typeof e === "number" && Number.isFinite(e))) ? (m as number[][]) : null;
}

/**
 * A student's responsibilities that an M-step can use: n x k, entries in [0, 1], each row summing
 * to one within the item's tolerance, no component without weight. Null otherwise.
 */
export function readableResponsibilities(v: Value | undefined, n: number, k: number, tol: { rtol: number; atol: number }): number[][] | null {
  const r = readableMatrix(v, n, k);
  if (!r) return null;
  const slack = tol.rtol + tol.atol;
  if (!r.every((row) => row.every((e) => e >= 0 && e <= 1 + slack) && Math.abs(sum(row) - 1) <= slack)) return null;
  for (let j = 0; j < k; j++) if (!(sum(r.map((row) => row[j])) > 1e-9)) return null;
  return r;
}

/**
 * What the M-step parts (weights, means, variances) are when computed correctly from the
 * student's own earlier parts. Responsibilities: from the student's readable `responsibilities`
 * answer, else `resp` (given or the key's). Variances: around the student's own readable means
 * (the M-step's sigma2_j is measured from the new mu(j), MATH.md), or around the means that follow
 * from the student's responsibilities.
 */
export function mStepCarried(
  x: number[][],
  resp: number[][],
  answers: Partial<Record<string, Value>>,
  tol: { rtol: number; atol: number },
  opts: { studentResponsibilities: boolean },
): CarriedKey[] {
  const n = x.length;
  const d = x[0].length;
  const k = resp[0].length;
  const out: CarriedKey[] = [];
  const own = opts.studentResponsibilities ? readableResponsibilities(answers.responsibilities, n, k, tol) : null;
  const means = readableMatrix(answers.means, k, d);
  if (own) {
    const basis = "your responsibilities";
    const m = mStepSpherical(x, own);
    out.push({ part: "weights", value: m.weights, from: ["responsibilities"], basis });
    out.push({ part: "means", value: m.means, from: ["responsibilities"], basis });
    out.push({ part: "variances", value: m.variances, from: ["responsibilities"], basis });
  }
  // The first match names the basis: the student's means alone before both of their parts.
  if (means) out.push({ part: "variances", value: weightedVariances(x, resp, means), from: ["means"], basis: "your means" });
  if (own && means) out.push({ part: "variances", value: weightedVariances(x, own, means), from: ["responsibilities", "means"], basis: "your responsibilities and your means" });
  return out;
}

/** The key's responsibilities of an initial mixture (the E-step of the solver). */
export function keyResponsibilities(x: number[][], init: SphericalMixture): number[][] {
  return eStep(x, init, "spherical").responsibilities;
}
