import { runChecks, valueAsText } from "../../exercises/check";
import { exerciseSlugs, givenValuesMatchingKey, mistakesMatchingKey, type VariantRecord } from "../../exercises";
import type { Value } from "../../src/grading";

describe("exercise self-check", () => {
  test.each(exerciseSlugs())("%s passes the check over seeds 1..10", (slug) => {
    const summary = runChecks({ seeds: 10, slugs: [slug] });
    expect(summary.failures).toEqual([]);
    expect(summary.passed).toBe(10);
  });

  test("values as text keep 10 significant digits", () => {
    expect(valueAsText(1 / 3)).toBe("0.3333333333");
    expect(valueAsText([1, 2])).toBe("1.000000000, 2.000000000");
    expect(valueAsText([[1], [2]])).toBe("[[1.000000000], [2.000000000]]");
  });
});

describe("the check catches a mistake or a given value within tolerance of the key (issue 13, finding 2)", () => {
  const record = (slug: string, data: unknown, params: Record<string, unknown>, key: Record<string, Value>): VariantRecord => ({
    slug,
    seed: 1,
    params,
    data,
    key,
    solution: { steps: [] },
    solverVersion: "test",
  });

  test("2 ones in 4 make the fraction of zeros the key", () => {
    const v = record("bernoulli-mle", { x: [1, 1, 0, 0] }, { n: 4 }, { theta: 0.5 });
    expect(mistakesMatchingKey(v)).toContainEqual({ id: "fraction-of-zeros", part: "theta" });
    expect(mistakesMatchingKey(record("bernoulli-mle", { x: [1, 1, 1, 0] }, { n: 4 }, { theta: 0.75 }))).toEqual([]);
  });

  test("a true σ² within tolerance of the estimate is a given value graded right", () => {
    // n = 1000, σ = 0.1: the estimate 0.01002 is 0.2% from σ² = 0.01 (inside 1%, outside 1/(4n)).
    const v = record("mle-sample-size", { x: [0.1, -0.1], mu: 0, sigma: 0.1 }, { n: 1000, mu: 0, sigma: 0.1 }, { mean: 0.05, variance: 0.01002 });
    expect(mistakesMatchingKey(v, { rtol: 0.01 })).toContainEqual({ id: "true-variance", part: "variance" });
    expect(givenValuesMatchingKey({ ...v, key: { mean: 0.0001, variance: 0.5 } }).join("; ")).toMatch(/params\.mu \(0\) on part mean/);
    expect(mistakesMatchingKey(v)).toEqual([]);
  });

  test("mle-sample-size: every seed's variant separates the n − 1 variance, the truth and a rounded mean", () => {
    const summary = runChecks({ seeds: 30, slugs: ["mle-sample-size"] });
    expect(summary.failures).toEqual([]);
  });
});
