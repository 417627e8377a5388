import {
  bernoulliSample,
  decimalsFor,
  gaussianSample,
  gaussianSampleNd,
  mixtureSample,
  randomCovariance,
  roundTo,
} from "../../src/solver/datasets";
import { cholesky, createRng } from "../../src/solver/random";

const decimalsOf = (v: number): number => (String(v).split(".")[1] ?? "").length;

describe("rounding helpers", () => {
  test("roundTo gives the nearest short decimal and no -0", () => {
    expect(roundTo(1.23456, 2)).toBe(1.23);
    expect(roundTo(-0.004, 2)).toBe(0);
    expect(Object.is(roundTo(-0.004, 2), -0)).toBe(false);
    expect(roundTo(0.1 + 0.2, 2)).toBe(0.3);
    expect(roundTo(2.5, 0)).toBe(3);
  });
  test("decimalsFor keeps about three significant digits", () => {
    expect(decimalsFor(0.1)).toBe(3);
    expect(decimalsFor(1)).toBe(2);
    expect(decimalsFor(25)).toBe(1);
  });
});

describe("bernoulliSample", () => {
  test("holds both outcomes and is deterministic", () => {
    for (let seed = 1; seed <= 50; seed++) {
      const x = bernoulliSample(createRng(seed), { n: 6, theta: 0.9 });
      expect(x).toEqual(bernoulliSample(createRng(seed), { n: 6, theta: 0.9 }));
      expect(x).toContain(0);
      expect(x).toContain(1);
    }
  });
  test("frequency of ones is near theta", () => {
    const x = bernoulliSample(createRng(1), { n: 10000, theta: 0.3 });
    expect(x.reduce((a, b) => a + b, 0) / x.length).toBeCloseTo(0.3, 1);
  });
  test("rejects bad theta", () => {
    expect(() => bernoulliSample(createRng(1), { n: 5, theta: 1 })).toThrow(/theta/);
  });
});

describe("gaussianSample", () => {
  test("moments are roughly right and values are rounded", () => {
    const x = gaussianSample(createRng(4), { n: 5000, mean: 2, sd: 0.5, decimals: 2 });
    const m = x.reduce((a, b) => a + b, 0) / x.length;
    const v = x.reduce((a, b) => a + (b - m) ** 2, 0) / x.length;
    expect(m).toBeCloseTo(2, 1);
    expect(Math.sqrt(v)).toBeCloseTo(0.5, 1);
    for (const xi of x) expect(decimalsOf(xi)).toBeLessThanOrEqual(2);
  });
  test("same seed, same sample", () => {
    const a = gaussianSample(createRng(9), { n: 10, mean: 0, sd: 1, decimals: 1 });
    expect(gaussianSample(createRng(9), { n: 10, mean: 0, sd: 1, decimals: 1 })).toEqual(a);
    expect(gaussianSample(createRng(10), { n: 10, mean: 0, sd: 1, decimals: 1 })).not.toEqual(a);
  });
});

describe("gaussianSampleNd and randomCovariance", () => {
  test("covariances are symmetric, positive definite and well-conditioned", () => {
    for (let seed = 1; seed <= 100; seed++) {
      const d = 1 + (seed % 4);
      const cov = randomCovariance(createRng(seed), { d, minSd: 0.5, maxSd: 1.5 });
      for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) expect(cov[a][b]).toBe(cov[b][a]);
      const l = cholesky(cov);
      const diag = l.map((row, i) => row[i] ** 2);
      expect(Math.max(...diag) / Math.min(...diag)).toBeLessThan(30);
    }
  });
  test("sample covariance is near the generating covariance", () => {
    const cov = [
      [1, 0.6],
      [0.6, 2],
    ];
    const x = gaussianSampleNd(createRng(8), { n: 20000, mean: [1, 2], cov, decimals: 3 });
    const m = [0, 1].map((j) => x.reduce((s, p) => s + p[j], 0) / x.length);
    expect(m[0]).toBeCloseTo(1, 1);
    expect(m[1]).toBeCloseTo(2, 1);
    const c = (a: number, b: number) => x.reduce((s, p) => s + (p[a] - m[a]) * (p[b] - m[b]), 0) / x.length;
    expect(c(0, 1)).toBeCloseTo(0.6, 1);
    expect(c(1, 1)).toBeCloseTo(2, 1);
  });
});

describe("mixtureSample", () => {
  test.each(["spherical", "full"] as const)("%s: every component has >= 2 points, means are well separated", (covariance) => {
    for (let seed = 1; seed <= 100; seed++) {
      const k = 2 + (seed % 3);
      const d = 1 + (seed % 3);
      const n = 8 * k;
      const s = mixtureSample(createRng(seed), { n, d, k, covariance, separation: 4 });
      expect(s.x).toHaveLength(n);
      expect(s.labels).toHaveLength(n);
      for (const p of s.x) {
        expect(p).toHaveLength(d);
        for (const v of p) {
          expect(Number.isFinite(v)).toBe(true);
          expect(decimalsOf(v)).toBeLessThanOrEqual(2);
        }
      }
      const minPer = covariance === "full" ? d + 1 : 2;
      for (let j = 0; j < k; j++) expect(s.labels.filter((l) => l === j).length).toBeGreaterThanOrEqual(minPer);
      expect(s.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      const sd = (j: number) =>
        covariance === "spherical" ? Math.sqrt(s.variances![j]) : Math.sqrt(s.covariances![j].reduce((t, row, i) => t + row[i], 0));
      for (let a = 0; a < k; a++) {
        for (let b = 0; b < a; b++) {
          const dist = Math.hypot(...s.means[a].map((v, i) => v - s.means[b][i]));
          expect(dist).toBeGreaterThanOrEqual(4 * Math.max(sd(a), sd(b)) - 1e-9);
        }
      }
    }
  });

  test("is deterministic for a seed", () => {
    const opts = { n: 12, d: 2, k: 2, covariance: "spherical" as const };
    expect(mixtureSample(createRng(5), opts)).toEqual(mixtureSample(createRng(5), opts));
    expect(mixtureSample(createRng(6), opts).x).not.toEqual(mixtureSample(createRng(5), opts).x);
  });

  test("most points are nearer their own mean than any other", () => {
    let near = 0;
    let total = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const s = mixtureSample(createRng(seed), { n: 40, d: 2, k: 3, covariance: "spherical" });
      s.x.forEach((p, i) => {
        const dist = s.means.map((m) => Math.hypot(p[0] - m[0], p[1] - m[1]));
        if (dist.indexOf(Math.min(...dist)) === s.labels[i]) near++;
        total++;
      });
    }
    expect(near / total).toBeGreaterThan(0.95);
  });

  test("rejects n too small for k components", () => {
    expect(() => mixtureSample(createRng(1), { n: 3, d: 1, k: 2, covariance: "spherical" })).toThrow(/n must be an integer >= 4/);
  });
});
