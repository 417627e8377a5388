import fc from "fast-check";
import { allClose, DEFAULT_ATOL, DEFAULT_RTOL, isClose } from "../../src/grading";

describe("isClose", () => {
  test("defaults are the named constants", () => {
    expect(DEFAULT_RTOL).toBe(1e-2);
    expect(DEFAULT_ATOL).toBe(1e-8);
    expect(isClose(1.0099, 1)).toBe(true);
    expect(isClose(1.0101, 1)).toBe(false);
  });

  test("is inclusive exactly at atol + rtol * |b|", () => {
    // All numbers below are exact in binary floating point.
    expect(isClose(1.5, 1, 0.25, 0.25)).toBe(true); // |0.5| <= 0.25 + 0.25 * 1
    expect(isClose(0.5, 1, 0.25, 0.25)).toBe(true);
    expect(isClose(1.5 + 2 ** -50, 1, 0.25, 0.25)).toBe(false);
    expect(isClose(-6, -4, 0.5, 0)).toBe(true); // |2| <= 0.5 * 4
    expect(isClose(-6.000001, -4, 0.5, 0)).toBe(false);
    expect(isClose(0.125, 0, 0.5, 0.125)).toBe(true); // key 0: only atol counts
    expect(isClose(0.126, 0, 0.5, 0.125)).toBe(false);
  });

  test("is relative to b, the key (asymmetric like numpy)", () => {
    expect(isClose(2, 1, 1, 0)).toBe(true); // 1 <= 1 * 1
    expect(isClose(1, 2, 0.5, 0)).toBe(true); // 1 <= 0.5 * 2
    expect(isClose(2, 1, 0.5, 0)).toBe(false); // 1 > 0.5 * 1
  });

  test("NaN is never close; equal infinities are", () => {
    expect(isClose(NaN, NaN)).toBe(false);
    expect(isClose(NaN, 1)).toBe(false);
    expect(isClose(1, NaN)).toBe(false);
    expect(isClose(Infinity, Infinity)).toBe(true);
    expect(isClose(Infinity, -Infinity)).toBe(false);
    expect(isClose(1e308, Infinity)).toBe(false);
  });

  test("property: a value is close to itself and to b + atol + rtol*|b| shrunk a little", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }), (b) => {
        expect(isClose(b, b)).toBe(true);
        const slack = DEFAULT_ATOL + DEFAULT_RTOL * Math.abs(b);
        expect(isClose(b + slack * 0.999, b)).toBe(true);
        expect(isClose(b - slack * 1.001, b)).toBe(false);
      }),
      { numRuns: 10_000 },
    );
  });
});

describe("allClose", () => {
  test("needs the same shape", () => {
    expect(allClose(1, [1])).toBe(false);
    expect(allClose([1, 2], [1, 2, 3])).toBe(false);
    expect(allClose([[1, 2]], [1, 2])).toBe(false);
    expect(allClose([[1, 2], [3, 4]], [[1, 2], [3]])).toBe(false);
    expect(allClose([], [])).toBe(true);
  });

  test("compares every entry", () => {
    expect(allClose([1, 2, 3], [1.001, 2.001, 3.001])).toBe(true);
    expect(allClose([1, 2, 3], [1, 2, 3.5])).toBe(false);
    expect(allClose([[1, 0], [0, 1]], [[1, 0], [0, 1.005]])).toBe(true);
    expect(allClose([[1, 0], [0, 1]], [[1, 1e-3], [0, 1]])).toBe(false);
    expect(allClose([[1, 0], [0, 1]], [[1, 1e-3], [0, 1]], 0, 1e-2)).toBe(true);
  });
});
