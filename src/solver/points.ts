import { SolverError } from "./solver-error";

/** A vector of numbers, e.g. a mean (length d). */
export type Vec = number[];
/** A matrix as a list of rows, e.g. data x (n x d). */
export type Mat = number[][];

/**
 * A data set as one flat row-major array (x: n x d): coordinate t of point i is `x[i * d + t]`.
 * The solver's kernels work on this layout; lists of lists exist only at the API boundary.
 */
export interface Points {
  readonly n: number;
  readonly d: number;
  readonly x: Float64Array;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

function notFinite(field: string): SolverError {
  return new SolverError(`${field} must be a finite number`);
}

/**
 * Reads data given as a list of numbers (d = 1) or as a list of d-vectors (n x d).
 * Validates with plain loops (no per-element schema) so a million points read quickly.
 * @throws SolverError naming the first bad entry, e.g. `x[5] must be a list of d = 2 numbers (like x[0])`.
 */
export function readPoints(value: unknown, field = "x"): Points {
  if (!Array.isArray(value)) throw new SolverError(`${field} must be a list of numbers or a list of d-vectors`);
  const n = value.length;
  if (n === 0) throw new SolverError(`${field} must contain at least one point`);
  const first: unknown = value[0];
  if (!Array.isArray(first)) {
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v: unknown = value[i];
      if (!isFiniteNumber(v)) throw notFinite(`${field}[${i}]`);
      x[i] = v;
    }
    return { n, d: 1, x };
  }
  const d = first.length;
  if (d === 0) throw new SolverError(`${field}[0] must be a non-empty list of numbers`);
  const x = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const row: unknown = value[i];
    if (!Array.isArray(row) || row.length !== d) {
      throw new SolverError(`${field}[${i}] must be a list of d = ${d} numbers (like ${field}[0])`);
    }
    const o = i * d;
    for (let t = 0; t < d; t++) {
      const v: unknown = row[t];
      if (!isFiniteNumber(v)) throw notFinite(`${field}[${i}][${t}]`);
      x[o + t] = v;
    }
  }
  return { n, d, x };
}

/**
 * Reads a list of finite numbers; with `length` given, exactly that many.
 * @param shape how the expected length is described, e.g. "k" in `init.weights must be a list of k = 3 numbers`.
 */
export function readVector(value: unknown, field: string, length?: number, shape?: string): Float64Array {
  const expected = length === undefined ? "a non-empty list of numbers" : `a list of ${shape ? `${shape} = ` : ""}${length} numbers`;
  if (!Array.isArray(value) || (length === undefined ? value.length === 0 : value.length !== length)) {
    throw new SolverError(`${field} must be ${expected}`);
  }
  const out = new Float64Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const v: unknown = value[i];
    if (!isFiniteNumber(v)) throw notFinite(`${field}[${i}]`);
    out[i] = v;
  }
  return out;
}

/**
 * Reads a rows x cols matrix into a flat row-major array.
 * @param shape the symbolic shape, e.g. "k x d" gives `init.means must be k x d = 3 x 2`.
 */
export function readMatrix(value: unknown, field: string, rows: number, cols: number, shape: string): Float64Array {
  const wrong = (): SolverError => new SolverError(`${field} must be ${shape} = ${rows} x ${cols}`);
  if (!Array.isArray(value) || value.length !== rows) throw wrong();
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const row: unknown = value[i];
    if (!Array.isArray(row) || row.length !== cols) throw wrong();
    for (let t = 0; t < cols; t++) {
      const v: unknown = row[t];
      if (!isFiniteNumber(v)) throw notFinite(`${field}[${i}][${t}]`);
      out[i * cols + t] = v;
    }
  }
  return out;
}

/** Copies `rows x cols` numbers starting at `offset` of a flat array into a list of rows. */
export function toRows(flat: ArrayLike<number>, rows: number, cols: number, offset = 0): Mat {
  const out: Mat = new Array<number[]>(rows);
  for (let i = 0; i < rows; i++) {
    const row = new Array<number>(cols);
    const o = offset + i * cols;
    for (let t = 0; t < cols; t++) row[t] = flat[o + t];
    out[i] = row;
  }
  return out;
}

/** Reads 1-D data: a list of numbers (a list of 1-vectors is accepted too). */
export function readScalars(value: unknown, field = "x"): Float64Array {
  const points = readPoints(value, field);
  if (points.d !== 1) throw new SolverError(`${field} must be a list of numbers (1-D data), not of ${points.d}-vectors`);
  return points.x;
}
