import { cholesky, createRng } from "../../src/solver/random";

function draws(seed: number, n: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => rng.uniform());
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

function variance(xs: number[]): number {
  const m = mean(xs);
  return xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length;
}

describe("createRng", () => {
  test("is deterministic for a seed and differs between seeds", () => {
    expect(draws(7, 50)).toEqual(draws(7, 50));
    expect(draws(7, 50)).not.toEqual(draws(8, 50));
    expect(draws(0, 5)).not.toEqual(draws(1, 5));
  });

  test("rejects a non-integer seed", () => {
    expect(() => createRng(1.5)).toThrow(/seed must be an integer/);
    expect(() => createRng(Number.NaN)).toThrow(/seed/);
  });

  test("uniform draws lie in [0, 1) with mean 1/2 and variance 1/12", () => {
    const xs = draws(123, 20000);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(mean(xs)).toBeCloseTo(0.5, 1);
    expect(variance(xs)).toBeCloseTo(1 / 12, 2);
  });

  test("int covers lo..hi inclusive, uniformly", () => {
    const rng = createRng(5);
    const counts = new Map<number, number>();
    for (let i = 0; i < 6000; i++) {
      const v = rng.int(1, 6);
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    for (const c of counts.values()) expect(Math.abs(c - 1000)).toBeLessThan(150);
    expect(() => rng.int(3, 2)).toThrow(/lo <= hi/);
  });

  test("normal has the requested mean and standard deviation", () => {
    const rng = createRng(99);
    const xs = Array.from({ length: 20000 }, () => rng.normal(3, 0.5));
    expect(mean(xs)).toBeCloseTo(3, 1);
    expect(Math.sqrt(variance(xs))).toBeCloseTo(0.5, 1);
    // Roughly 68% within one sd.
    const within = xs.filter((x) => Math.abs(x - 3) < 0.5).length / xs.length;
    expect(within).toBeGreaterThan(0.66);
    expect(within).toBeLessThan(0.7);
  });

  test("categorical follows its weights and never picks a zero weight", () => {
    const rng = createRng(11);
    const counts = [0, 0, 0];
    for (let i = 0; i < 10000; i++) counts[rng.categorical([1, 0, 3])]++;
    expect(counts[1]).toBe(0);
    expect(counts[0] / 10000).toBeCloseTo(0.25, 1);
    expect(() => rng.categorical([0, 0])).toThrow(/not all be 0/);
  });

  test("shuffle permutes a copy", () => {
    const rng = createRng(3);
    const items = Array.from({ length: 20 }, (_, i) => i);
    const out = rng.shuffle(items);
    expect(items).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect([...out].sort((a, b) => a - b)).toEqual(items);
    expect(out).not.toEqual(items);
  });

  test("multivariateNormal has the requested mean and covariance", () => {
    const rng = createRng(2024);
    const cov = [
      [2, 0.8],
      [0.8, 1],
    ];
    const xs = Array.from({ length: 20000 }, () => rng.multivariateNormal([1, -2], cov));
    const m0 = mean(xs.map((p) => p[0]));
    const m1 = mean(xs.map((p) => p[1]));
    expect(m0).toBeCloseTo(1, 1);
    expect(m1).toBeCloseTo(-2, 1);
    const c01 = mean(xs.map((p) => (p[0] - m0) * (p[1] - m1)));
    expect(c01).toBeCloseTo(0.8, 1);
    expect(variance(xs.map((p) => p[0]))).toBeCloseTo(2, 1);
  });

  test("cholesky reproduces its input and rejects an indefinite matrix", () => {
    const a = [
      [4, 2, 0.4],
      [2, 3, 0.5],
      [0.4, 0.5, 1],
    ];
    const l = cholesky(a);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const v = l[i].reduce((s, _, p) => s + l[i][p] * l[j][p], 0);
        expect(v).toBeCloseTo(a[i][j], 12);
      }
    }
    expect(() => cholesky([[1, 2], [2, 1]])).toThrow(/not positive definite/);
  });
});
