/**
 * Finding 28: the generic (non-generated) EM pass kernels serve large shapes (and every shape where
 * code generation is disabled), but ran only on mild data in tests, so dropping their log-sum-exp
 * shift went unseen. Points far from every mean have densities that underflow to 0 (log -Infinity)
 * unless the shift is there; here their log-likelihood and responsibilities are checked against an
 * independent, plain implementation, for every generic kernel and through the solver.
 */
import { gmmEm } from "../../src/solver";
import { loopedKernelSource } from "../../src/solver/em-codegen";
import { allocatePassArrays, type CovarianceType, PASS_KERNELS } from "../../src/solver/em-kernels";
import { preparePass } from "../../src/solver/mixture";
import { createRng } from "../../src/solver/random";

type Mixture = { weights: number[]; means: number[][]; covs: number[][][] };

/** Lower Cholesky factor of a symmetric positive definite matrix. */
function cholesky(a: number[][]): number[][] {
  const d = a.length;
  const l = a.map(() => new Array<number>(d).fill(0));
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i]![j]!;
      for (let t = 0; t < j; t++) s -= l[i]![t]! * l[j]![t]!;
      l[i]![j] = i === j ? Math.sqrt(s) : s / l[j]![j]!;
    }
  }
  return l;
}

/** ln N(x | mean, L L^T), by forward substitution. */
function logNormal(x: number[], mean: number[], l: number[][]): number {
  const d = x.length;
  const z: number[] = [];
  let logDet = 0;
  for (let i = 0; i < d; i++) {
    let s = x[i]! - mean[i]!;
    for (let t = 0; t < i; t++) s -= l[i]![t]! * z[t]!;
    z.push(s / l[i]![i]!);
    logDet += 2 * Math.log(l[i]![i]!);
  }
  return -0.5 * (d * Math.log(2 * Math.PI) + logDet + z.reduce((a, b) => a + b * b, 0));
}

/** Plain log-sum-exp over components, point by point: ln p(x_i) and responsibilities. */
function reference(x: number[][], m: Mixture): { ll: number; resp: number[][] } {
  let ll = 0;
  const factors = m.covs.map(cholesky);
  const resp = x.map((xi) => {
    const lp = m.weights.map((w, j) => Math.log(w) + logNormal(xi, m.means[j]!, factors[j]!));
    const max = Math.max(...lp);
    const lse = max + Math.log(lp.reduce((s, v) => s + Math.exp(v - max), 0));
    ll += lse;
    return lp.map((v) => Math.exp(v - lse));
  });
  return { ll, resp };
}

/** A mixture of the type with moderate covariances, and points ~1,000 standard deviations from every mean. */
function farCase(type: CovarianceType, d: number, k: number, n: number, seed: number) {
  const rng = createRng(seed);
  const means = Array.from({ length: k }, () => Array.from({ length: d }, () => rng.normal(0, 2)));
  const sph = Array.from({ length: k }, () => rng.between(0.5, 2));
  const diag = Array.from({ length: k }, () => Array.from({ length: d }, () => rng.between(0.5, 2)));
  const covs = Array.from({ length: k }, (_, j) =>
    Array.from({ length: d }, (_, a) =>
      Array.from({ length: d }, (_, b) => (type === "spherical" ? (a === b ? sph[j]! : 0) : type === "diag" ? (a === b ? diag[j]![a]! : 0) : a === b ? 1.5 + (a % 3) * 0.25 : 0.2)),
    ),
  );
  const weights = Array.from({ length: k }, (_, j) => (j + 1) / ((k * (k + 1)) / 2));
  const x = Array.from({ length: n }, (_, i) => Array.from({ length: d }, (_, t) => (i % 2 ? 1 : -1) * 1000 + rng.normal(0, 50) + t));
  const cov =
    type === "spherical" ? Float64Array.from(sph) : type === "diag" ? Float64Array.from(diag.flat()) : Float64Array.from(covs.flat(2));
  return { x, mixture: { weights, means, covs } as Mixture, flat: { k, d, weights: Float64Array.from(weights), means: Float64Array.from(means.flat()), cov }, sph, diag };
}

const SHAPES: [CovarianceType, number, number][] = [
  ["spherical", 1, 2],
  ["spherical", 2, 3], // the d = 2 kernel
  ["spherical", 5, 3],
  ["diag", 3, 3],
  ["full", 2, 3], // the d = 2 kernel
  ["full", 4, 2],
];

test.each(SHAPES)("generic %s kernel, d=%i k=%i: far points give the finite log-likelihood and responsibilities of plain log-sum-exp", (type, d, k) => {
  const n = 40;
  const c = farCase(type, d, k, n, 100 * d + k);
  const arrays = allocatePassArrays(type, k, d, false);
  expect(preparePass(type, c.flat, arrays)).toBe(-1);
  const resp = new Float64Array(n * k);
  const ll = PASS_KERNELS[type]({ x: Float64Array.from(c.x.flat()), d, k, ...arrays }, 0, n, null, resp);
  const ref = reference(c.x, c.mixture);
  expect(Number.isFinite(ref.ll)).toBe(true);
  expect(ref.ll).toBeLessThan(-1e5); // far indeed: every density underflows without the shift
  expect(Math.abs(ll - ref.ll) / Math.abs(ref.ll)).toBeLessThan(1e-9);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) expect(resp[i * k + j]).toBeCloseTo(ref.resp[i]![j]!, 9);
});

test.each([
  ["spherical", 200],
  ["diag", 200],
  ["full", 30],
] as const)("the solver on a shape served by the generic kernels (%s, d = %i): far points, the reference log-likelihood", (type, d) => {
  for (const op of ["loglik", "resp"] as const) expect(loopedKernelSource(type, d, 2, op).length).toBeGreaterThan(12_000); // too large to generate
  const c = farCase(type, d, 2, 30, d);
  const init = { weights: c.mixture.weights, means: c.mixture.means, ...(type === "full" ? { covariances: c.mixture.covs } : { variances: type === "spherical" ? c.sph : c.diag }) };
  const result = gmmEm({ x: c.x, covariance: type, init, maxIter: 0, tol: 0, responsibilities: true });
  const ref = reference(c.x, c.mixture);
  expect(Math.abs(result.logLikelihood - ref.ll) / Math.abs(ref.ll)).toBeLessThan(1e-9);
  const resp = result.responsibilities!;
  for (let i = 0; i < c.x.length; i++) for (let j = 0; j < 2; j++) expect(resp[i]![j]).toBeCloseTo(ref.resp[i]![j]!, 9);
});
