import { readScalars } from "./points";
import { SolverError } from "./solver-error";

/**
 * Bernoulli MLE (MATH.md): theta = n1 / n, l(theta) = n1 ln theta + (n - n1) ln(1 - theta),
 * with 0 ln 0 = 0 (all zeros or all ones give logLikelihood 0).
 * @param x n observations, each 0 or 1.
 * @throws SolverError `x[3] must be 0 or 1`, or when x is empty.
 * @example bernoulliMle([1, 0, 1, 1]) // { theta: 0.75, logLikelihood: 3 ln 0.75 + ln 0.25 }
 */
export function bernoulliMle(x: number[]): { theta: number; logLikelihood: number } {
  const values = readScalars(x);
  const n = values.length;
  let ones = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v !== 0 && v !== 1) throw new SolverError(`x[${i}] must be 0 or 1`);
    ones += v;
  }
  const theta = ones / n;
  const zeros = n - ones;
  const logLikelihood = (ones > 0 ? ones * Math.log(theta) : 0) + (zeros > 0 ? zeros * Math.log(zeros / n) : 0);
  return { theta, logLikelihood };
}
