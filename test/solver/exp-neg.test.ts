import fc from "fast-check";
import { expNeg, expNegSource, TWO_POW_J64, TWO_POW_NEG } from "../../src/solver/exp-neg";

test("expNeg agrees with Math.exp to 1e-15 relative on [-708, 0]", () => {
  fc.assert(
    fc.property(fc.double({ min: -708, max: 0, noNaN: true }), (x) => {
      expect(Math.abs(expNeg(x) - Math.exp(x))).toBeLessThanOrEqual(1e-15 * Math.exp(x));
    }),
    { numRuns: 20_000 },
  );
});

test("expNeg at the edges: 1 at 0, subnormals, 0 below the underflow, NaN through", () => {
  expect(expNeg(0)).toBe(1);
  expect(expNeg(-0)).toBe(1);
  expect(expNeg(-1e-300)).toBe(1);
  expect(expNeg(-744)).toBe(Math.exp(-744));
  expect(expNeg(-745.3)).toBe(0);
  expect(expNeg(-Infinity)).toBe(0);
  expect(expNeg(Number.NaN)).toBeNaN();
});

test("the source form of expNeg computes the same bits", () => {
  const run = new Function("TWO_POW_J64", "TWO_POW_NEG", "x", `let e = 1;\n${expNegSource("x", "e", "t")}\nreturn e;`) as (a: Float64Array, b: Float64Array, x: number) => number;
  fc.assert(
    fc.property(fc.double({ min: -800, max: 0, noNaN: true }), (x) => {
      expect(run(TWO_POW_J64, TWO_POW_NEG, x)).toBe(expNeg(x));
    }),
  );
});
