/**
 * Data-set generators for the exercises: samples students can type, drawn from a seeded `Rng`.
 *
 * Every generator rounds its values to a few decimals (so a student can copy them from a table)
 * and re-draws until the sample is non-degenerate: not all values equal, every mixture component
 * holding at least `minPerComponent` distinct points, scatter matrices positive definite. Re-drawing
 * uses the same `Rng`, so the result stays deterministic for a seed.
 */
import { cholesky, type Rng } from "./random";

/** How many times a generator re-draws before it gives up with an error naming its inputs. */
const MAX_ATTEMPTS = 200;

/** x rounded to `decimals` places (half away from zero), never -0. */
export function roundTo(x: number, decimals: number): number {
  const f = 10 ** decimals;
  const r = Math.sign(x) * Math.round(Math.abs(x) * f) / f;
  // Dividing can leave a binary tail (0.1 * 3): re-parse the decimal text to get the nearest double.
  const out = Number(r.toFixed(Math.max(0, decimals)));
  return out === 0 ? 0 : out;
}

/** The number of decimals giving about `sig` significant digits to values of size `scale` (> 0). */
export function decimalsFor(scale: number, sig = 3): number {
  if (!(scale > 0)) throw new Error(`decimalsFor: scale must be > 0, got ${scale}`);
  return Math.max(0, sig - 1 - Math.floor(Math.log10(scale)));
}

function isPositiveDefinite(a: number[][]): boolean {
  try {
    cholesky(a);
    return true;
  } catch {
    return false;
  }
}

/** (1/n) sum (x - mean)(x - mean)^T of the rows of x (n x d); used only to reject degenerate samples. */
function scatter(x: readonly (readonly number[])[]): number[][] {
  const d = x[0].length;
  const mean = new Array<number>(d).fill(0);
  for (const row of x) for (let j = 0; j < d; j++) mean[j] += row[j] / x.length;
  const s = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (const row of x) {
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) s[a][b] += ((row[a] - mean[a]) * (row[b] - mean[b])) / x.length;
  }
  return s;
}

/** True when the rows of x (n x d) span all d directions (a positive definite scatter matrix, well away from singular). */
function spansAllDirections(x: readonly (readonly number[])[]): boolean {
  if (x.length <= x[0].length) return false;
  const s = scatter(x);
  const trace = s.reduce((acc, row, i) => acc + row[i], 0);
  if (!(trace > 0)) return false;
  // Relative ridge: reject nearly collinear samples too, not only exactly singular ones.
  const shrunk = s.map((row, i) => row.map((v, j) => (i === j ? v - 1e-3 * trace : v)));
  return isPositiveDefinite(shrunk);
}

function checkCount(fn: string, name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) throw new Error(`${fn}: ${name} must be an integer >= ${min}, got ${value}`);
}

/**
 * n values 0/1, each 1 with probability theta. With `bothOutcomes` (default) the sample holds at
 * least one 0 and one 1, so its MLE is strictly between 0 and 1 and every log-likelihood is finite.
 */
export function bernoulliSample(rng: Rng, opts: { n: number; theta: number; bothOutcomes?: boolean }): number[] {
  const { n, theta, bothOutcomes = true } = opts;
  checkCount("bernoulliSample", "n", n, bothOutcomes ? 2 : 1);
  if (!(theta > 0 && theta < 1)) throw new Error(`bernoulliSample: theta must be in (0, 1), got ${theta}`);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const x: number[] = Array.from({ length: n }, () => (rng.uniform() < theta ? 1 : 0));
    const ones = x.reduce((a, b) => a + b, 0);
    if (!bothOutcomes || (ones > 0 && ones < n)) return x;
  }
  throw new Error(`bernoulliSample: could not draw both outcomes with n=${n}, theta=${theta}`);
}

/** n draws from N(mean, sd^2) rounded to `decimals`; re-drawn until not all values are equal. */
export function gaussianSample(rng: Rng, opts: { n: number; mean: number; sd: number; decimals: number }): number[] {
  const { n, mean, sd, decimals } = opts;
  checkCount("gaussianSample", "n", n, 2);
  if (!(sd > 0)) throw new Error(`gaussianSample: sd must be > 0, got ${sd}`);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const x = Array.from({ length: n }, () => roundTo(rng.normal(mean, sd), decimals));
    if (x.some((v) => v !== x[0])) return x;
  }
  throw new Error(`gaussianSample: sd=${sd} is too small for ${decimals} decimals`);
}

/**
 * n draws (n x d) from N(mean, cov) rounded to `decimals`; re-drawn until the points span all d
 * directions (needs n > d), so the sample covariance is positive definite.
 */
export function gaussianSampleNd(
  rng: Rng,
  opts: { n: number; mean: readonly number[]; cov: readonly (readonly number[])[]; decimals: number },
): number[][] {
  const { n, mean, cov, decimals } = opts;
  const d = mean.length;
  checkCount("gaussianSampleNd", "n", n, d + 1);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const x = Array.from({ length: n }, () => rng.multivariateNormal(mean, cov).map((v) => roundTo(v, decimals)));
    if (spansAllDirections(x)) return x;
  }
  throw new Error(`gaussianSampleNd: could not draw a non-degenerate sample with n=${n}, d=${d}`);
}

/**
 * A random well-conditioned covariance (d x d): Q diag(lambda) Q^T with Q a random rotation and the
 * standard deviations sqrt(lambda) in [minSd, maxSd], entries rounded to `decimals`. The condition
 * number is at most (maxSd / minSd)^2 before rounding; rounding is checked to keep it positive definite.
 */
export function randomCovariance(rng: Rng, opts: { d: number; minSd: number; maxSd: number; decimals?: number }): number[][] {
  const { d, minSd, maxSd, decimals = 2 } = opts;
  checkCount("randomCovariance", "d", d, 1);
  if (!(minSd > 0 && maxSd >= minSd)) throw new Error(`randomCovariance: need 0 < minSd <= maxSd, got ${minSd} and ${maxSd}`);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    // Gram-Schmidt on a Gaussian matrix gives a uniformly random orthonormal basis.
    const q: number[][] = [];
    for (let i = 0; i < d; i++) {
      let v = Array.from({ length: d }, () => rng.normal());
      for (const u of q) {
        const dot = v.reduce((s, vi, j) => s + vi * u[j], 0);
        v = v.map((vi, j) => vi - dot * u[j]);
      }
      const norm = Math.hypot(...v);
      q.push(v.map((vi) => vi / norm));
    }
    const lambda = Array.from({ length: d }, () => rng.between(minSd, maxSd) ** 2);
    const cov = Array.from({ length: d }, (_, a) =>
      Array.from({ length: d }, (_, b) => roundTo(q.reduce((s, u, i) => s + lambda[i] * u[a] * u[b], 0), decimals)),
    );
    // Symmetric by construction; keep it so after rounding.
    for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) cov[a][b] = cov[b][a];
    const floor = minSd * minSd * 0.5;
    if (isPositiveDefinite(cov.map((row, i) => row.map((v, j) => (i === j ? v - floor : v))))) return cov;
  }
  throw new Error(`randomCovariance: could not draw a covariance with d=${d}`);
}

export type MixtureSample = {
  /** n x d points, rounded. */
  x: number[][];
  /** n component labels 0..k-1. */
  labels: number[];
  /** The generating parameters (not the MLE of the sample). */
  weights: number[];
  means: number[][];
  /** Spherical: one variance per component (k). */
  variances?: number[];
  /** Full: one d x d covariance per component (k x d x d). */
  covariances?: number[][][];
};

export type MixtureOptions = {
  n: number;
  d: number;
  k: number;
  covariance: "spherical" | "full";
  /** Component means are at least `separation` times the larger component standard deviation apart (default 4). */
  separation?: number;
  /** Standard deviation range of each component (default [0.5, 1.5]). */
  minSd?: number;
  maxSd?: number;
  /** Decimals of the points (default 2). Means get 1 decimal, variances 2. */
  decimals?: number;
  /** Fewest points per component (default 2, and at least d + 1 for full covariances). */
  minPerComponent?: number;
};

/**
 * A sample from a well-separated mixture: k components in d dimensions, n points, every component
 * holding at least `minPerComponent` distinct points, means at least `separation` sigma apart.
 * Points are listed in random order (labels are not sorted).
 */
export function mixtureSample(rng: Rng, opts: MixtureOptions): MixtureSample {
  const { n, d, k, covariance, separation = 4, minSd = 0.5, maxSd = 1.5, decimals = 2 } = opts;
  checkCount("mixtureSample", "d", d, 1);
  checkCount("mixtureSample", "k", k, 1);
  const minPer = Math.max(opts.minPerComponent ?? 2, covariance === "full" ? d + 1 : 2);
  if (!Number.isInteger(n) || n < k * minPer) {
    throw new Error(`mixtureSample: n must be an integer >= ${k * minPer} (k=${k} components x ${minPer} points), got ${n}`);
  }
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    // Component shapes first: their spread sets how far apart the means must be.
    const variances: number[] = [];
    const covariances: number[][][] = [];
    const sds: number[] = [];
    for (let j = 0; j < k; j++) {
      if (covariance === "spherical") {
        const v = roundTo(rng.between(minSd, maxSd) ** 2, 2);
        variances.push(v);
        sds.push(Math.sqrt(v));
      } else {
        const c = randomCovariance(rng, { d, minSd, maxSd });
        covariances.push(c);
        // The largest standard deviation along any direction is at most sqrt(trace).
        sds.push(Math.sqrt(c.reduce((s, row, i) => s + row[i], 0)));
      }
    }
    const means = placeMeans(rng, d, sds, separation);
    if (!means) continue;

    const raw = Array.from({ length: k }, () => rng.between(1, 2));
    const total = raw.reduce((a, b) => a + b, 0);
    const weights = raw.map((w) => w / total);
    const counts = new Array<number>(k).fill(minPer);
    for (let i = k * minPer; i < n; i++) counts[rng.categorical(weights)]++;
    const labels = rng.shuffle(counts.flatMap((c, j) => new Array<number>(c).fill(j)));

    const x = labels.map((j) => {
      const cov = covariance === "spherical" ? diagonal(d, variances[j]) : covariances[j];
      return rng.multivariateNormal(means[j], cov).map((v) => roundTo(v, decimals));
    });
    if (!componentsNonDegenerate(x, labels, k, covariance)) continue;
    return covariance === "spherical"
      ? { x, labels, weights, means, variances }
      : { x, labels, weights, means, covariances };
  }
  throw new Error(`mixtureSample: could not draw a non-degenerate mixture with n=${n}, d=${d}, k=${k}`);
}

function diagonal(d: number, v: number): number[][] {
  return Array.from({ length: d }, (_, a) => Array.from({ length: d }, (_, b) => (a === b ? v : 0)));
}

/** Means rounded to 1 decimal, pairwise at least separation * max(sd_i, sd_j) apart; undefined when the box was too crowded. */
function placeMeans(rng: Rng, d: number, sds: number[], separation: number): number[][] | undefined {
  const k = sds.length;
  const maxSd = Math.max(...sds);
  // A box just wide enough for k well-separated means in d dimensions, so that neighbouring
  // components are a few sigma apart rather than far apart (EM exercises need some overlap).
  const half = 0.55 * separation * maxSd * Math.max(1, k ** (1 / d)) + 0.5;
  const means: number[][] = [];
  for (let j = 0; j < k; j++) {
    let placed = false;
    for (let attempt = 0; attempt < 100 && !placed; attempt++) {
      const m = Array.from({ length: d }, () => roundTo(rng.between(-half, half), 1));
      const ok = means.every((other, i) => Math.hypot(...m.map((v, a) => v - other[a])) >= separation * Math.max(sds[i], sds[j]));
      if (ok) {
        means.push(m);
        placed = true;
      }
    }
    if (!placed) return undefined;
  }
  return means;
}

function componentsNonDegenerate(x: number[][], labels: number[], k: number, covariance: "spherical" | "full"): boolean {
  for (let j = 0; j < k; j++) {
    const pts = x.filter((_, i) => labels[i] === j);
    if (covariance === "full") {
      if (!spansAllDirections(pts)) return false;
    } else if (!pts.some((p) => p.some((v, a) => v !== pts[0][a]))) {
      return false;
    }
  }
  return true;
}
