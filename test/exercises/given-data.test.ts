import { gaussianMle } from "../../src/solver";
import { createVariantFromData, GivenCsvError, GivenDataError, gradeVariant, readGivenCsv, renderQuestion, renderSolution, toStudentVariant } from "../../exercises";

import { LECTURE_POINTS } from "../support/lecture-data";
import { runGivenDataChecks } from "../../exercises/check";
import { hostileDataSets } from "../../exercises/given-data-fuzz";
import { givenDataSlugs } from "../../exercises";
import { createRng } from "../../src/solver/random";

function dataError(slug: string, data: unknown): GivenDataError {
  try {
    createVariantFromData(slug, data);
  } catch (err) {
    if (err instanceof GivenDataError) return err;
    throw err;
  }
  throw new Error(`${slug} accepted ${JSON.stringify(data).slice(0, 80)}`);
}

function csvError(slug: string, text: string): string {
  try {
    readGivenCsv(slug, text);
  } catch (err) {
    if (err instanceof GivenCsvError) return err.message;
    throw err;
  }
  throw new Error(`${slug} accepted CSV ${text.slice(0, 80)}`);
}

describe("given data", () => {
  it("grades the lecture's 16 points against the solver's MLE, diagnoses n − 1 and renders them", () => {
    const { variant, warnings } = createVariantFromData("gaussian-mle", { x: LECTURE_POINTS });
    const mle = gaussianMle(LECTURE_POINTS);
    expect(variant.data).toEqual({ x: LECTURE_POINTS });
    expect(variant.params).toEqual({ n: 16 });
    expect(variant.key.mean).toBeCloseTo(0.42, 12);
    expect(variant.key).toEqual({ mean: mle.mean, variance: mle.variance });
    expect(warnings).toEqual([]);
    const right = gradeVariant(variant, { mean: "0.42", variance: String(mle.variance) });
    expect(right.ok && right.score).toBe(1);
    const unbiased = gradeVariant(variant, { mean: "0.42", variance: String((mle.variance * 16) / 15) });
    expect(unbiased.ok && unbiased.parts.find((p) => p.name === "variance")?.mistake).toBe("n-minus-1");
    expect(renderQuestion(toStudentVariant(variant)).html).toContain("3.5");
    expect(renderSolution(variant)).toContain("0.42");
  });

  it("reads the same points from CSV: a column with or without header, one line, a U+2212 minus", () => {
    const expected = { data: { x: LECTURE_POINTS }, params: { n: 16 } };
    expect(readGivenCsv("gaussian-mle", `x\n${LECTURE_POINTS.join("\n")}\n`)).toEqual(expected);
    expect(readGivenCsv("gaussian-mle", LECTURE_POINTS.join("\r\n"))).toEqual(expected);
    expect(readGivenCsv("gaussian-mle", LECTURE_POINTS.map((v) => String(v).replace("-", "\u2212")).join(", "))).toEqual(expected);
  });

  it("reads labelled points from CSV with 1-based labels, as in the students' download", () => {
    const r = readGivenCsv("gmm-known-labels", "x1,x2,label\n0,0,1\n1,0,1\n5,5,2\n6,5,2\n5,6,2\n");
    expect(r.data).toEqual({ x: [[0, 0], [1, 0], [5, 5], [6, 5], [5, 6]], labels: [0, 0, 1, 1, 1], k: 2 });
    expect(r.params).toEqual({ n: 5, d: 2, k: 2 });
  });

  it("refuses unusable JSON data naming the path and the reason", () => {
    const cases: [string, unknown, string, RegExp][] = [
      ["gaussian-mle", { x: [1, "a", 3] }, "x.1", /expected a number, got text/],
      ["gaussian-mle", { x: [1] }, "x", /at least 2/],
      ["gaussian-mle", { x: [2, 2, 2] }, "x", /variance would be zero/],
      ["gaussian-mle", { x: [1, 1e10] }, "x.1", /between/],
      ["gaussian-mle", { x: [1, Infinity] }, "x.1", /finite/],
      ["gaussian-mle", { y: [1, 2] }, "y", /unknown field/],
      ["gaussian-mle", [1, 2], "", /expected an object/],
      ["gaussian-mle", { x: Array(10_001).fill(1) }, "x", /at most 10000/],
      ["bernoulli-mle", { x: [0, 1, 2] }, "x.2", /0 or 1/],
      ["spherical-gaussian-mle", { x: [[1, 2], [3], [4, 5]] }, "x.1", /2 coordinates/],
      ["gaussian-full-mle", { x: [[1, 2], [2, 2], [3, 2], [4, 2]] }, "x", /singular/],
      ["gmm-known-labels", { x: [[1], [2], [3], [4]], labels: [0, 0, 1, 7] }, "labels.3", /0 to 3/],
      ["gmm-known-labels", { x: [[1], [2], [3], [4], [5]], labels: [0, 0, 0, 0, 2], k: 3 }, "labels", /component 2 .* no points/],
      ["gmm-known-labels", { x: [[1], [2], [3], [3]], labels: [0, 0, 1, 1] }, "labels", /component 2 .* all equal/],
      ["gmm-known-labels", { x: [[1], [2], [3], [4]], labels: [0, 1] }, "labels", /at least 4/],
      ["em-iteration", { x: [1, 2, 3, 4, 5], init: { weights: [0.5, 0.6], means: [[1], [4]], variances: [1, 1] } }, "init.weights", /sum to 1/],
      ["em-iteration", { x: [1, 2, 3, 4, 5], init: { weights: [0.5, 0.5], means: [[1], [4]], variances: [1, 0] } }, "init.variances.1", /positive/],
      ["e-step", { x: [1, 2] }, "", /only generated data/],
    ];
    for (const [slug, data, path, reason] of cases) {
      const err = dataError(slug, data);
      expect([slug, err.path.join(".")]).toEqual([slug, path]);
      expect(err.reason).toMatch(reason);
    }
  });

  it("refuses unusable CSV naming the line and the column", () => {
    expect(csvError("gaussian-mle", "x\n1\nabc\n")).toBe('line 3, column x: expected a number, got "abc"');
    expect(csvError("gaussian-mle", "1\n2\n1e309\n")).toBe("line 3, column x: expected a finite number (not NaN or infinite)");
    expect(csvError("spherical-gaussian-mle", "1,2\n3,4\n5\n")).toBe("line 3: expected 2 values (as the first row), got 1");
    expect(csvError("gmm-known-labels", "x,label\n1,1\n2,1\n3,2\n4,5\n")).toMatch(/^line 5, column label: expected a component number from 1 to k .* got 5$/);
    expect(csvError("gaussian-mle", "x,y\n1,2\n")).toMatch(/heading "y"/);
    expect(csvError("gaussian-mle", "\n\n")).toMatch(/empty/);
    expect(csvError("em-iteration", "1\n2\n")).toMatch(/JSON only/);
  });

  it("warns when a known mistake cannot be told from the key on the given data", () => {
    // Half ones: "the fraction of zeros" equals θ̂ = 0.5.
    const { warnings } = createVariantFromData("bernoulli-mle", { x: [0, 1, 1, 0] });
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings[0]).toMatch(/graded right/);
  });
});

describe("the instructor-data self-check (likely exercises check)", () => {
  it("passes: generated data given back keeps its key, the lecture's example grades, hostile data sets are refused", () => {
    const summary = runGivenDataChecks({ seeds: 2, fuzz: 300 });
    expect(summary.failures).toEqual([]);
    expect(summary.passed).toBe(1 + 2 * givenDataSlugs().length + 300);
  });

  it("hostile data sets cover every kind of breakage for every exercise that takes data", () => {
    const cases = hostileDataSets(createRng(7), 9 * givenDataSlugs().length);
    expect(new Set(cases.map((c) => `${c.slug}/${c.kind}`)).size).toBe(9 * givenDataSlugs().length);
    expect(cases.filter((c) => c.csv !== undefined).length).toBeGreaterThan(20);
  });
});
