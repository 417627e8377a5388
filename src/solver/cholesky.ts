/**
 * A pivot below this fraction of its diagonal entry counts as zero. The squared pivot of row r is
 * A_rr (1 - R^2), R^2 being how well coordinate r is predicted linearly from the earlier ones, so the
 * test does not depend on the scale of the coordinates; below 1e-12 the matrix is singular up to
 * rounding (a full covariance of d points in d dimensions, say) and its log-determinant is noise.
 */
const PIVOT_RTOL = 1e-12;

/**
 * Cholesky factorization A = L L^T of a symmetric d x d matrix, reading only A's lower triangle.
 * a, l: d x d, flat row-major at the given offsets; the strict upper triangle of l is set to 0.
 * @returns false when A is not (numerically) positive definite; l is then unspecified.
 * @example cholesky(Float64Array.of(4, 2, 2, 3), 0, 2, l, 0) // l = [2, 0, 1, 1.414...]
 */
export function cholesky(a: Float64Array, aOff: number, d: number, l: Float64Array, lOff: number): boolean {
  for (let r = 0; r < d; r++) {
    const rowR = lOff + r * d;
    for (let c = 0; c <= r; c++) {
      const rowC = lOff + c * d;
      let s = a[aOff + r * d + c];
      for (let m = 0; m < c; m++) s -= l[rowR + m] * l[rowC + m];
      if (r === c) {
        if (!(s > PIVOT_RTOL * a[aOff + r * d + r]) || !Number.isFinite(s)) return false;
        l[rowR + r] = Math.sqrt(s);
      } else {
        l[rowR + c] = s / l[rowC + c];
      }
    }
    for (let c = r + 1; c < d; c++) l[rowR + c] = 0;
  }
  return true;
}

/**
 * Inverse W = L^-1 of a lower-triangular d x d matrix with a positive diagonal (W is lower too).
 * l, w: d x d, flat row-major at the given offsets. Used to whiten: W (x - mu) has identity covariance.
 */
export function invertLower(l: Float64Array, lOff: number, d: number, w: Float64Array, wOff: number): void {
  for (let c = 0; c < d; c++) {
    for (let r = 0; r < c; r++) w[wOff + r * d + c] = 0;
    w[wOff + c * d + c] = 1 / l[lOff + c * d + c];
    for (let r = c + 1; r < d; r++) {
      let s = 0;
      for (let m = c; m < r; m++) s -= l[lOff + r * d + m] * w[wOff + m * d + c];
      w[wOff + r * d + c] = s / l[lOff + r * d + r];
    }
  }
}

/** ln |A| = 2 sum_i ln L_ii from A's Cholesky factor L (d x d, flat at lOff). */
export function logDetFromCholesky(l: Float64Array, lOff: number, d: number): number {
  let s = 0;
  for (let i = 0; i < d; i++) s += Math.log(l[lOff + i * d + i]);
  return 2 * s;
}
