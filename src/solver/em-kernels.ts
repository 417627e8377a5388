/**
 * The hot loops of EM: one pass over a block of points that does the E-step (log-space, with
 * log-sum-exp) and, fused into the same pass, accumulates the sufficient statistics of the M-step.
 * Pure and dependency-free so the same code runs on the main thread and in worker threads.
 *
 * Statistics of component j, shifted by a point c_j near its new mean (the current mean, which keeps
 * them free of the cancellation of raw moments), at `acc[j * stride ...]`:
 *   [0]            nk'  = sum_i r_ij
 *   [1 .. d]       S1   = sum_i r_ij (x(i) - c_j)                         (d)
 *   [d + 1 ..]     S2   = spherical: sum_i r_ij ||x(i) - c_j||^2         (1)
 *                         diag:      sum_i r_ij (x_t(i) - c_jt)^2          (d)
 *                         full:      sum_i r_ij (x(i) - c_j)(x(i) - c_j)^T (d x d, lower triangle only)
 */
import { expNeg } from "./exp-neg";

export type CovarianceType = "spherical" | "diag" | "full";

/** What one pass reads; all arrays flat row-major. */
export interface PassInput {
  /** data, n x d */
  readonly x: Float64Array;
  readonly d: number;
  readonly k: number;
  /** component means, k x d */
  readonly means: Float64Array;
  /** k x d: the statistics of component j are sums of r_ij (x(i) - shift_j); normally shift = means */
  readonly shift: Float64Array;
  /** k: ln w_j - (d/2) ln(2 pi) - (1/2) ln |Sigma_j| */
  readonly logConst: Float64Array;
  /** spherical: k (1 / sigma2_j); diag: k x d (1 / sigma2_jt); full: k x d x d (L_j^-1, lower triangular, Sigma_j = L_j L_j^T) */
  readonly prec: Float64Array;
}

/**
 * One pass over points start..end-1.
 * @param acc k x stride statistics to add to (see above), or null for an E-step only.
 * @param resp n x k responsibilities to write rows start..end-1 of, or null.
 * @returns sum over the block of ln sum_j w_j N(x(i) | component j).
 */
export type PassKernel = (inp: PassInput, start: number, end: number, acc: Float64Array | null, resp: Float64Array | null) => number;

/** Numbers per component in the precision array: 1, d or d x d. */
export function precSize(type: CovarianceType, d: number): number {
  return type === "spherical" ? 1 : type === "diag" ? d : d * d;
}

/** Numbers per component of the statistics: nk', S1 (d) and S2 (1, d or d x d). */
export function statsStride(type: CovarianceType, d: number): number {
  return 1 + d + precSize(type, d);
}

/*
 * Each kernel: for point i, lp_j = logConst_j - q_ij / 2 with q_ij the squared Mahalanobis distance;
 * with m = max_j lp_j, e_j = exp(lp_j - m) (the arg max needs no exp), s = sum_j e_j:
 * ln p(x(i)) = m + ln s and r_ij = e_j / s. One exp per component but the largest (expNeg, not
 * Math.exp: see exp-neg.ts), one log per point.
 */

function passSpherical(inp: PassInput, start: number, end: number, acc: Float64Array | null, resp: Float64Array | null): number {
  const { x, d, k, means, shift, logConst, prec } = inp;
  if (d === 2) return passSpherical2(inp, start, end, acc, resp);
  const stride = d + 2;
  const lp = new Float64Array(k);
  let ll = 0;
  for (let i = start; i < end; i++) {
    const xo = i * d;
    let max = -Infinity;
    let jmax = 0;
    for (let j = 0; j < k; j++) {
      const mo = j * d;
      let s = 0;
      for (let t = 0; t < d; t++) {
        const v = x[xo + t] - means[mo + t];
        s += v * v;
      }
      const l = logConst[j] - 0.5 * prec[j] * s;
      lp[j] = l;
      if (l > max) {
        max = l;
        jmax = j;
      }
    }
    if (max === -Infinity) max = 0;
    let sum = 0;
    for (let j = 0; j < k; j++) {
      const e = j === jmax ? 1 : expNeg(lp[j] - max);
      lp[j] = e;
      sum += e;
    }
    ll += max + Math.log(sum);
    const inv = 1 / sum;
    if (resp !== null) for (let j = 0, ro = i * k; j < k; j++) resp[ro + j] = lp[j] * inv;
    if (acc !== null) {
      for (let j = 0; j < k; j++) {
        const r = lp[j] * inv;
        const a = j * stride;
        const so = j * d;
        acc[a] += r;
        let s = 0;
        for (let t = 0; t < d; t++) {
          const v = x[xo + t] - shift[so + t];
          acc[a + 1 + t] += r * v;
          s += v * v;
        }
        acc[a + 1 + d] += r * s;
      }
    }
  }
  return ll;
}

/** passSpherical for d = 2, with the coordinates in registers. */
function passSpherical2(inp: PassInput, start: number, end: number, acc: Float64Array | null, resp: Float64Array | null): number {
  const { x, k, means, shift, logConst, prec } = inp;
  const lp = new Float64Array(k);
  const halfPrec = new Float64Array(k);
  for (let j = 0; j < k; j++) halfPrec[j] = 0.5 * prec[j];
  let ll = 0;
  for (let i = start; i < end; i++) {
    const x0 = x[2 * i];
    const x1 = x[2 * i + 1];
    let max = -Infinity;
    let jmax = 0;
    for (let j = 0; j < k; j++) {
      const v0 = x0 - means[2 * j];
      const v1 = x1 - means[2 * j + 1];
      const l = logConst[j] - halfPrec[j] * (v0 * v0 + v1 * v1);
      lp[j] = l;
      if (l > max) {
        max = l;
        jmax = j;
      }
    }
    if (max === -Infinity) max = 0;
    let sum = 0;
    for (let j = 0; j < k; j++) {
      const e = j === jmax ? 1 : expNeg(lp[j] - max);
      lp[j] = e;
      sum += e;
    }
    ll += max + Math.log(sum);
    const inv = 1 / sum;
    if (resp !== null) for (let j = 0, ro = i * k; j < k; j++) resp[ro + j] = lp[j] * inv;
    if (acc !== null) {
      for (let j = 0, a = 0; j < k; j++, a += 4) {
        const r = lp[j] * inv;
        const v0 = x0 - shift[2 * j];
        const v1 = x1 - shift[2 * j + 1];
        acc[a] += r;
        acc[a + 1] += r * v0;
        acc[a + 2] += r * v1;
        acc[a + 3] += r * (v0 * v0 + v1 * v1);
      }
    }
  }
  return ll;
}

function passDiag(inp: PassInput, start: number, end: number, acc: Float64Array | null, resp: Float64Array | null): number {
  const { x, d, k, means, shift, logConst, prec } = inp;
  const stride = 1 + 2 * d;
  const lp = new Float64Array(k);
  let ll = 0;
  for (let i = start; i < end; i++) {
    const xo = i * d;
    let max = -Infinity;
    let jmax = 0;
    for (let j = 0; j < k; j++) {
      const mo = j * d;
      let s = 0;
      for (let t = 0; t < d; t++) {
        const v = x[xo + t] - means[mo + t];
        s += v * v * prec[mo + t];
      }
      const l = logConst[j] - 0.5 * s;
      lp[j] = l;
      if (l > max) {
        max = l;
        jmax = j;
      }
    }
    if (max === -Infinity) max = 0;
    let sum = 0;
    for (let j = 0; j < k; j++) {
      const e = j === jmax ? 1 : expNeg(lp[j] - max);
      lp[j] = e;
      sum += e;
    }
    ll += max + Math.log(sum);
    const inv = 1 / sum;
    if (resp !== null) for (let j = 0, ro = i * k; j < k; j++) resp[ro + j] = lp[j] * inv;
    if (acc !== null) {
      for (let j = 0; j < k; j++) {
        const r = lp[j] * inv;
        const a = j * stride;
        const so = j * d;
        acc[a] += r;
        const a1 = a + 1;
        const a2 = a + 1 + d;
        for (let t = 0; t < d; t++) {
          const v = x[xo + t] - shift[so + t];
          const rv = r * v;
          acc[a1 + t] += rv;
          acc[a2 + t] += rv * v;
        }
      }
    }
  }
  return ll;
}

function passFull(inp: PassInput, start: number, end: number, acc: Float64Array | null, resp: Float64Array | null): number {
  const { x, d, k, means, shift, logConst, prec } = inp;
  if (d === 2) return passFull2(inp, start, end, acc, resp);
  const dd = d * d;
  const stride = 1 + d + dd;
  const lp = new Float64Array(k);
  const diff = new Float64Array(d);
  const dev = new Float64Array(d);
  let ll = 0;
  for (let i = start; i < end; i++) {
    const xo = i * d;
    let max = -Infinity;
    let jmax = 0;
    for (let j = 0; j < k; j++) {
      const mo = j * d;
      for (let t = 0; t < d; t++) diff[t] = x[xo + t] - means[mo + t];
      let q = 0;
      for (let a = 0, row = j * dd; a < d; a++, row += d) {
        let s = 0;
        for (let b = 0; b <= a; b++) s += prec[row + b] * diff[b];
        q += s * s;
      }
      const l = logConst[j] - 0.5 * q;
      lp[j] = l;
      if (l > max) {
        max = l;
        jmax = j;
      }
    }
    if (max === -Infinity) max = 0;
    let sum = 0;
    for (let j = 0; j < k; j++) {
      const e = j === jmax ? 1 : expNeg(lp[j] - max);
      lp[j] = e;
      sum += e;
    }
    ll += max + Math.log(sum);
    const inv = 1 / sum;
    if (resp !== null) for (let j = 0, ro = i * k; j < k; j++) resp[ro + j] = lp[j] * inv;
    if (acc !== null) {
      for (let j = 0; j < k; j++) {
        const r = lp[j] * inv;
        const a0 = j * stride;
        const so = j * d;
        acc[a0] += r;
        for (let t = 0; t < d; t++) dev[t] = x[xo + t] - shift[so + t];
        for (let a = 0, row = a0 + 1 + d; a < d; a++, row += d) {
          const rd = r * dev[a];
          acc[a0 + 1 + a] += rd;
          for (let b = 0; b <= a; b++) acc[row + b] += rd * dev[b];
        }
      }
    }
  }
  return ll;
}

/** passFull for d = 2, with the coordinates and the 2 x 2 algebra unrolled. */
function passFull2(inp: PassInput, start: number, end: number, acc: Float64Array | null, resp: Float64Array | null): number {
  const { x, k, means, shift, logConst, prec } = inp;
  const lp = new Float64Array(k);
  let ll = 0;
  for (let i = start; i < end; i++) {
    const x0 = x[2 * i];
    const x1 = x[2 * i + 1];
    let max = -Infinity;
    let jmax = 0;
    for (let j = 0; j < k; j++) {
      const v0 = x0 - means[2 * j];
      const v1 = x1 - means[2 * j + 1];
      const p = 4 * j;
      const y0 = prec[p] * v0;
      const y1 = prec[p + 2] * v0 + prec[p + 3] * v1;
      const l = logConst[j] - 0.5 * (y0 * y0 + y1 * y1);
      lp[j] = l;
      if (l > max) {
        max = l;
        jmax = j;
      }
    }
    if (max === -Infinity) max = 0;
    let sum = 0;
    for (let j = 0; j < k; j++) {
      const e = j === jmax ? 1 : expNeg(lp[j] - max);
      lp[j] = e;
      sum += e;
    }
    ll += max + Math.log(sum);
    const inv = 1 / sum;
    if (resp !== null) for (let j = 0, ro = i * k; j < k; j++) resp[ro + j] = lp[j] * inv;
    if (acc !== null) {
      for (let j = 0, a = 0; j < k; j++, a += 7) {
        const r = lp[j] * inv;
        const v0 = x0 - shift[2 * j];
        const v1 = x1 - shift[2 * j + 1];
        const r0 = r * v0;
        const r1 = r * v1;
        acc[a] += r;
        acc[a + 1] += r0;
        acc[a + 2] += r1;
        acc[a + 3] += r0 * v0;
        acc[a + 5] += r1 * v0;
        acc[a + 6] += r1 * v1;
      }
    }
  }
  return ll;
}

/** The pass kernel of each covariance type. */
export const PASS_KERNELS: Record<CovarianceType, PassKernel> = {
  spherical: passSpherical,
  diag: passDiag,
  full: passFull,
};

/**
 * Allocates the parameter arrays of a pass input back to back in one buffer (means, shift, logConst,
 * prec), a SharedArrayBuffer when worker threads read it. passArrayViews reads the same layout.
 */
export function allocatePassArrays(type: CovarianceType, k: number, d: number, shared: boolean): PassArrays {
  const bytes = (2 * k * d + k + k * precSize(type, d)) * 8;
  return passArrayViews(shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes), type, k, d);
}

export type PassArrays = Pick<PassInput, "means" | "shift" | "logConst" | "prec">;

/** Views of the parameter arrays in a buffer made by allocatePassArrays. */
export function passArrayViews(buffer: ArrayBufferLike, type: CovarianceType, k: number, d: number): PassArrays {
  const kd = k * d;
  return {
    means: new Float64Array(buffer, 0, kd),
    shift: new Float64Array(buffer, kd * 8, kd),
    logConst: new Float64Array(buffer, 2 * kd * 8, k),
    prec: new Float64Array(buffer, (2 * kd + k) * 8, k * precSize(type, d)),
  };
}
