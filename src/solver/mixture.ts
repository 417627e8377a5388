import { cholesky, invertLower, logDetFromCholesky } from "./cholesky";
import { type CovarianceType, type PassArrays, precSize, statsStride } from "./em-kernels";
import { type Mat, type Vec, readMatrix, readVector, toRows } from "./points";
import { checkCovariance } from "./read-covariance";
import { SolverError } from "./solver-error";

/**
 * Mixture parameters at the API boundary: weights (k), means (k x d) and, by covariance type,
 * spherical: variances (k); diag: variances (k x d); full: covariances (k x d x d).
 */
export type MixtureParams = { weights: Vec; means: Mat; variances?: Vec | Mat; covariances?: Mat[] };

/** Mixture parameters inside the solver, flat row-major. */
export interface FlatMixture {
  readonly k: number;
  readonly d: number;
  /** k */
  readonly weights: Float64Array;
  /** k x d */
  readonly means: Float64Array;
  /** spherical: k; diag: k x d; full: k x d x d */
  readonly cov: Float64Array;
}

/** scikit-learn's guard against empty components: nk = sum_i r_ij + 10 * machine epsilon. */
export const NK_EPSILON = 10 * Number.EPSILON;

const LOG_2PI = Math.log(2 * Math.PI);

/** What differs between covariance types, outside the hot loops. */
interface CovarianceModel {
  /** Reads and validates the covariance field of `params` (k components of dimension d). */
  read(params: Record<string, unknown>, field: string, k: number, d: number): Float64Array;
  /** The covariance field at the API boundary. */
  write(cov: Float64Array, k: number, d: number): Pick<MixtureParams, "variances" | "covariances">;
  /**
   * Writes the precision of component j (see PassInput.prec) and returns ln |Sigma_j|,
   * or NaN when Sigma_j is not positive definite.
   */
  factor(cov: Float64Array, j: number, d: number, prec: Float64Array): number;
  /**
   * M-step covariance of component j from its shifted statistics at acc[a] (see em-kernels.ts):
   * the responsibility-weighted scatter around the new mean, divided by nk, plus regCovar on the
   * diagonal. delta = new mean - shift (d).
   */
  finish(acc: Float64Array, a: number, nk: number, delta: Float64Array, d: number, regCovar: number, cov: Float64Array, j: number): void;
  /** Coordinate t's share of the shifted second moment S2 at acc[a] (see em-kernels.ts). */
  secondMoment(acc: Float64Array, a: number, d: number, t: number): number;
  /** Coordinate t's variance in component j. */
  variance(cov: Float64Array, j: number, d: number, t: number): number;
}

function positive(values: Float64Array, field: string, cols: number): Float64Array {
  for (let i = 0; i < values.length; i++) {
    if (!(values[i] > 0)) {
      const where = cols === 1 ? `[${i}]` : `[${Math.floor(i / cols)}][${i % cols}]`;
      throw new SolverError(`${field}${where} must be > 0 (a variance)`);
    }
  }
  return values;
}

function requireField(params: Record<string, unknown>, field: string, name: "variances" | "covariances", type: CovarianceType, shape: string): unknown {
  const value = params[name];
  if (value === undefined) {
    const other = name === "variances" ? "covariances" : "variances";
    const hint = params[other] !== undefined ? `; ${field}.${other} belongs to covariance ${other === "covariances" ? '"full"' : '"spherical" or "diag"'}` : "";
    throw new SolverError(`${field}.${name} is required for covariance "${type}" (${shape})${hint}`);
  }
  return value;
}

/**
 * The diagonal M-step term of coordinate t from statistics shifted by c:
 * sum_i r (x_t - mean_t)^2 / nk = (S2_t - 2 delta_t S1_t + nk' delta_t^2) / nk, delta = mean - c.
 */
function diagScatter(acc: Float64Array, a: number, nk: number, delta: Float64Array, t: number, s2: number): number {
  const dt = delta[t];
  return (s2 - 2 * dt * acc[a + 1 + t] + acc[a] * dt * dt) / nk;
}

/** Per covariance type; chosen by table lookup, never by if-chains in the EM loop. */
export const COVARIANCE_MODELS: Record<CovarianceType, CovarianceModel> = {
  spherical: {
    read(params, field, k) {
      const value = requireField(params, field, "variances", "spherical", `a list of k = ${k} numbers`);
      return positive(readVector(value, `${field}.variances`, k, "k"), `${field}.variances`, 1);
    },
    write(cov) {
      return { variances: Array.from(cov) };
    },
    factor(cov, j, d, prec) {
      const v = cov[j];
      if (!(v > 0) || !Number.isFinite(v)) return NaN;
      prec[j] = 1 / v;
      return d * Math.log(v);
    },
    finish(acc, a, nk, delta, d, regCovar, cov, j) {
      // The mean of the diag variances; S2 is the scalar sum_i r ||x - c||^2, so add it once.
      let s = acc[a + 1 + d] / nk;
      for (let t = 0; t < d; t++) s += diagScatter(acc, a, nk, delta, t, 0);
      cov[j] = s / d + regCovar;
    },
    secondMoment: (acc, a, d) => acc[a + 1 + d] / d,
    variance: (cov, j) => cov[j],
  },
  diag: {
    read(params, field, k, d) {
      const value = requireField(params, field, "variances", "diag", `k x d = ${k} x ${d}`);
      return positive(readMatrix(value, `${field}.variances`, k, d, "k x d"), `${field}.variances`, d);
    },
    write(cov, k, d) {
      return { variances: toRows(cov, k, d) };
    },
    factor(cov, j, d, prec) {
      let logDet = 0;
      for (let t = 0; t < d; t++) {
        const v = cov[j * d + t];
        if (!(v > 0) || !Number.isFinite(v)) return NaN;
        prec[j * d + t] = 1 / v;
        logDet += Math.log(v);
      }
      return logDet;
    },
    finish(acc, a, nk, delta, d, regCovar, cov, j) {
      for (let t = 0; t < d; t++) cov[j * d + t] = diagScatter(acc, a, nk, delta, t, acc[a + 1 + d + t]) + regCovar;
    },
    secondMoment: (acc, a, d, t) => acc[a + 1 + d + t],
    variance: (cov, j, d, t) => cov[j * d + t],
  },
  full: {
    read(params, field, k, d) {
      const value = requireField(params, field, "covariances", "full", `k x d x d = ${k} x ${d} x ${d}`);
      const shape = `${field}.covariances must be k x d x d = ${k} x ${d} x ${d}`;
      if (!Array.isArray(value) || value.length !== k) throw new SolverError(shape);
      const cov = new Float64Array(k * d * d);
      const l = new Float64Array(k * d * d);
      for (let j = 0; j < k; j++) {
        const item = `${field}.covariances[${j}]`;
        if (!Array.isArray(value[j]) || value[j].length !== d) throw new SolverError(shape);
        cov.set(readMatrix(value[j], item, d, d, "d x d"), j * d * d);
        checkCovariance(cov, j * d * d, d, item, l);
      }
      return cov;
    },
    write(cov, k, d) {
      const covariances: Mat[] = [];
      for (let j = 0; j < k; j++) covariances.push(toRows(cov, d, d, j * d * d));
      return { covariances };
    },
    factor(cov, j, d, prec) {
      const off = j * d * d;
      const l = new Float64Array(d * d);
      if (!cholesky(cov, off, d, l, 0)) return NaN;
      invertLower(l, 0, d, prec, off);
      return logDetFromCholesky(l, 0, d);
    },
    finish(acc, a, nk, delta, d, regCovar, cov, j) {
      // sum_i r (x - m)(x - m)^T = S2 - S1 delta^T - delta S1^T + nk' delta delta^T, with x - m = (x - c) - delta.
      const nk0 = acc[a];
      const off = j * d * d;
      for (let p = 0; p < d; p++) {
        for (let q = 0; q <= p; q++) {
          const s2 = acc[a + 1 + d + p * d + q];
          const v = (s2 - acc[a + 1 + p] * delta[q] - delta[p] * acc[a + 1 + q] + nk0 * delta[p] * delta[q]) / nk + (p === q ? regCovar : 0);
          cov[off + p * d + q] = v;
          cov[off + q * d + p] = v;
        }
      }
    },
    secondMoment: (acc, a, d, t) => acc[a + 1 + d + t * d + t],
    variance: (cov, j, d, t) => cov[j * d * d + t * d + t],
  },
};

/**
 * Reads and validates mixture parameters for data of dimension d.
 * @param field the name used in messages, e.g. "init" gives `init.means must be k x d = 3 x 2`.
 * @throws SolverError naming the field and the broken constraint.
 */
export function readMixture(value: unknown, type: CovarianceType, d: number, field: string): FlatMixture {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new SolverError(`${field} must be an object with weights, means and ${type === "full" ? "covariances" : "variances"}`);
  }
  const params = value as Record<string, unknown>;
  const weights = readVector(params.weights, `${field}.weights`);
  const k = weights.length;
  let sum = 0;
  for (let j = 0; j < k; j++) {
    if (!(weights[j] >= 0)) throw new SolverError(`${field}.weights[${j}] must be >= 0`);
    sum += weights[j];
  }
  if (Math.abs(sum - 1) > 1e-6) throw new SolverError(`${field}.weights must sum to 1 (they sum to ${sum})`);
  const means = readMatrix(params.means, `${field}.means`, k, d, "k x d");
  const cov = COVARIANCE_MODELS[type].read(params, field, k, d);
  return { k, d, weights, means, cov };
}

/** The API form of flat mixture parameters. */
export function writeMixture(mix: FlatMixture, type: CovarianceType): MixtureParams {
  return { weights: Array.from(mix.weights), means: toRows(mix.means, mix.k, mix.d), ...COVARIANCE_MODELS[type].write(mix.cov, mix.k, mix.d) };
}

/**
 * Fills a pass input (means, shift = means, logConst, prec) from mixture parameters.
 * @returns -1, or the first component whose covariance is not positive definite.
 */
export function preparePass(type: CovarianceType, mix: FlatMixture, inp: PassArrays): number {
  const { k, d } = mix;
  const model = COVARIANCE_MODELS[type];
  inp.means.set(mix.means);
  inp.shift.set(mix.means);
  for (let j = 0; j < k; j++) {
    const logDet = model.factor(mix.cov, j, d, inp.prec);
    if (Number.isNaN(logDet)) return j;
    inp.logConst[j] = Math.log(mix.weights[j]) - 0.5 * (d * LOG_2PI + logDet);
  }
  return -1;
}

/**
 * The M-step from statistics accumulated around `shift` (k x d), as in scikit-learn:
 * nk = nk' + 10 eps, weights = nk / sum nk, means = sum_i r x(i) / nk, covariances = weighted
 * scatter / nk + regCovar on the diagonal.
 */
export function finishMStep(type: CovarianceType, acc: Float64Array, shift: Float64Array, k: number, d: number, regCovar: number): FlatMixture {
  const model = COVARIANCE_MODELS[type];
  const stride = statsStride(type, d);
  const weights = new Float64Array(k);
  const means = new Float64Array(k * d);
  const cov = new Float64Array(k * precSize(type, d));
  const delta = new Float64Array(d);
  let total = 0;
  for (let j = 0; j < k; j++) {
    const a = j * stride;
    const nk = acc[a] + NK_EPSILON;
    weights[j] = nk;
    total += nk;
    for (let t = 0; t < d; t++) {
      const c = shift[j * d + t];
      // mean = (c nk' + S1) / nk, so mean - c = (S1 - c (nk - nk')) / nk.
      delta[t] = (acc[a + 1 + t] - c * NK_EPSILON) / nk;
      means[j * d + t] = c + delta[t];
    }
    model.finish(acc, a, nk, delta, d, regCovar, cov, j);
  }
  for (let j = 0; j < k; j++) weights[j] /= total;
  return { k, d, weights, means, cov };
}

/**
 * Loss of precision above which the statistics of an iteration are recomputed around the new means:
 * the scatter is found as S2 / nk minus terms in (mean - shift), so its relative error is about
 * machine epsilon times (S2 / nk) / variance. 1e3 keeps it below 1e-12.
 */
const MAX_SHIFT_AMPLIFICATION = 1e3;

/**
 * Whether statistics accumulated around a shift far from the new means (typically the first
 * iteration from a poor init) lost digits, so the pass should be redone around `mix.means`.
 */
export function shiftTooFar(type: CovarianceType, acc: Float64Array, mix: FlatMixture): boolean {
  const { k, d, cov } = mix;
  const model = COVARIANCE_MODELS[type];
  const stride = statsStride(type, d);
  for (let j = 0; j < k; j++) {
    const a = j * stride;
    const nk = acc[a] + NK_EPSILON;
    for (let t = 0; t < d; t++) {
      if (model.secondMoment(acc, a, d, t) / nk > MAX_SHIFT_AMPLIFICATION * model.variance(cov, j, d, t)) return true;
    }
  }
  return false;
}
