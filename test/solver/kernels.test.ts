/**
 * The generated (unrolled) pass kernels against the generic loop kernels: same log-likelihood,
 * statistics and responsibilities for every op, including statistics around a separate shift.
 */
import { kernelSource, loopedKernelSource, PASS_OPS, passKernel } from "../../src/solver/em-codegen";
import { allocatePassArrays, type CovarianceType, PASS_KERNELS, type PassInput, statsStride } from "../../src/solver/em-kernels";
import { preparePass } from "../../src/solver/mixture";
import { createRng } from "../../src/solver/random";
import { expectClose } from "./close";

function input(type: CovarianceType, n: number, d: number, k: number, seed: number): PassInput {
  const rng = createRng(seed);
  const x = Float64Array.from({ length: n * d }, () => rng.normal(0, 3));
  const weights = Float64Array.from({ length: k }, () => 1 / k);
  const means = Float64Array.from({ length: k * d }, () => rng.normal(0, 2));
  const cov =
    type === "spherical"
      ? Float64Array.from({ length: k }, () => rng.between(0.5, 3))
      : type === "diag"
        ? Float64Array.from({ length: k * d }, () => rng.between(0.5, 3))
        : Float64Array.from({ length: k * d * d }, (_, i) => {
            const [a, b] = [Math.floor((i % (d * d)) / d), i % d];
            return a === b ? 2 + (i % 3) : 0.3;
          });
  const arrays = allocatePassArrays(type, k, d, false);
  expect(preparePass(type, { k, d, weights, means, cov }, arrays)).toBe(-1);
  arrays.shift.set(arrays.shift.map((v) => v + rng.normal(0, 1)));
  return { x, d, k, ...arrays };
}

const SHAPES: [CovarianceType, number, number][] = [
  ["spherical", 1, 1],
  ["spherical", 2, 3],
  ["spherical", 7, 5],
  ["diag", 2, 4],
  ["diag", 5, 3],
  ["full", 1, 2],
  ["full", 2, 3],
  ["full", 5, 4],
  ["full", 5, 8], // too large to unroll fully: unrolled over the coordinates, looped over components
  ["full", 10, 8],
  ["full", 20, 2], // too large even so: the generic loops
];

test.each(SHAPES)("%s d=%i k=%i: every op agrees with the generic kernel", (type, d, k) => {
  const n = 200;
  const inp = input(type, n, d, k, 1000 * d + k);
  const generic = PASS_KERNELS[type];
  const stride = statsStride(type, d);
  for (const op of PASS_OPS) {
    const kernel = passKernel(type, d, k, op);
    const acc = new Float64Array(k * stride);
    const resp = new Float64Array(n * k);
    const ll = kernel(inp, 3, n, acc, resp);
    const expectedAcc = new Float64Array(k * stride);
    const expectedResp = new Float64Array(n * k);
    // The generic kernels accumulate around inp.shift; plain "stats" is around the means.
    const around = op === "stats" ? { ...inp, shift: inp.means } : inp;
    const expectedLl = generic(around, 3, n, op.startsWith("stats") ? expectedAcc : null, op === "resp" ? expectedResp : null);
    expectClose(ll, expectedLl, `${op} ll`);
    // The generated kernels fill only the lower triangle of a full S2, like the generic ones.
    if (op.startsWith("stats")) expectClose(Array.from(acc), Array.from(expectedAcc), `${op} acc`);
    if (op === "resp") expectClose(Array.from(resp), Array.from(expectedResp), "resp");
  }
});

test("which generator serves which shape (limit: 12,000 characters of source)", () => {
  expect(kernelSource("full", 5, 4, "stats").length).toBeLessThan(12_000);
  expect(kernelSource("full", 5, 8, "stats").length).toBeGreaterThan(12_000);
  expect(loopedKernelSource("full", 10, 8, "stats").length).toBeLessThan(12_000);
  expect(loopedKernelSource("full", 20, 2, "stats").length).toBeGreaterThan(12_000);
});
