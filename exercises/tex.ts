/** TeX text for numbers, vectors and matrices shown in questions and worked solutions. */

/**
 * A number as TeX: data values exactly as stored (short decimals), computed values to `sig`
 * significant digits; scientific notation becomes `a \times 10^{b}`.
 */
export function texNum(x: number, sig?: number): string {
  if (!Number.isFinite(x)) return String(x);
  let s = sig === undefined ? String(x) : String(Number(x.toPrecision(sig)));
  if (/e/i.test(s)) {
    const [m, e] = (sig === undefined ? x.toExponential() : x.toExponential(sig - 1)).split("e");
    s = `${String(Number(m))} \\times 10^{${Number(e)}}`;
  }
  return s;
}

/** A column vector (pmatrix) of numbers. */
export function texVec(v: readonly number[], sig?: number): string {
  return `\\begin{pmatrix}${v.map((x) => texNum(x, sig)).join(" \\\\ ")}\\end{pmatrix}`;
}

/** A row vector written as a tuple (a, b, c). */
export function texTuple(v: readonly number[], sig?: number): string {
  return `(${v.map((x) => texNum(x, sig)).join(",\\ ")})`;
}

/** A matrix (pmatrix) of numbers. */
export function texMat(m: readonly (readonly number[])[], sig?: number): string {
  return `\\begin{pmatrix}${m.map((row) => row.map((x) => texNum(x, sig)).join(" & ")).join(" \\\\ ")}\\end{pmatrix}`;
}

/** A point: a plain number when d = 1, otherwise a tuple. */
export function texPoint(p: readonly number[], sig?: number): string {
  return p.length === 1 ? texNum(p[0], sig) : texTuple(p, sig);
}

/** Significant digits used for computed numbers in worked solutions. */
export const SOLUTION_SIG = 6;
