import { createVariant, ExerciseError, getExercise, gradeVariant, mistakesMatchingKey, renderQuestion, renderSolution, resolveParams, variantMistakes, type VariantRecord } from "../../exercises";
import { checkParametrisations } from "../../exercises/check";
import { invert } from "../../exercises/parametrisation";
import { gaussianMle } from "../../src/solver";
import { createRng } from "../../src/solver/random";

const SD = { parametrisation: { variance: "sd" } };

describe("an item asking for the standard deviation (issue 12, point 5)", () => {
  const v = createVariant("gaussian-mle", 11, SD);
  const lectureVariance = gaussianMle((v.data as { x: number[] }).x).variance;

  test("the key, the part label, the question and the worked solution say σ", () => {
    expect(v.params).toEqual({ n: 10, parametrisation: { variance: "sd" } });
    expect(v.key.variance).toBeCloseTo(Math.sqrt(lectureVariance), 12);
    const q = renderQuestion(v);
    expect(q.parts.find((p) => p.name === "variance")!.label).toBe("MLE of the standard deviation σ");
    expect(q.html).toContain("This item asks for the standard deviation σ, not the variance σ².");
    expect(q.html).toMatch(/<figcaption>The standard deviation σ asked for is measured in the units of the axes/);
    const solution = renderSolution(v);
    expect(solution).toContain("Convert to the standard deviation");
    expect(solution).toContain("MLE of the standard deviation σ");
  });

  test("σ² typed where σ is asked is diagnosed as the variance, with the student's own number", () => {
    const typed = lectureVariance.toPrecision(4);
    const g = gradeVariant(v, { mean: String(v.key.mean), variance: typed });
    if (!g.ok) throw new Error("unreadable");
    const part = g.parts.find((p) => p.name === "variance")!;
    expect(part).toMatchObject({ correct: false, mistake: "variance-for-sd" });
    expect(part.feedback).toBe(`You gave the variance σ² = ${Number(typed).toPrecision(4).replace(/\.?0+$/, "")}; this item asks for the standard deviation σ.`);
    expect(g.score).toBe(0.5);
  });

  test("σ itself scores, and the exercise's own mistakes come converted (n − 1, then the root)", () => {
    const g = gradeVariant(v, { mean: String(v.key.mean), variance: String(v.key.variance) });
    expect(g.ok && g.score).toBe(1);
    const n = 10;
    const g2 = gradeVariant(v, { mean: String(v.key.mean), variance: String(Math.sqrt((lectureVariance * n) / (n - 1))) });
    expect(g2.ok && g2.parts[1]!.mistake).toBe("n-minus-1");
    // gaussian-mle's own "you gave the standard deviation" no longer applies: that is the answer now.
    expect(variantMistakes(v).map((m) => m.id)).not.toContain("standard-deviation");
  });

  test("the lecture's parametrisation asked explicitly diagnoses σ typed for σ² (the other direction)", () => {
    const w = createVariant("spherical-gaussian-mle", 5, { parametrisation: { variance: "variance" } });
    expect(renderQuestion(w).html).toContain("This item asks for the variance σ², not the standard deviation σ.");
    const g = gradeVariant(w, { mean: w.key.mean as number[], variance: Math.sqrt(w.key.variance as number) });
    if (!g.ok) throw new Error("unreadable");
    expect(g.parts[1]).toMatchObject({ correct: false, mistake: "sd-for-variance" });
    expect(g.parts[1]!.feedback).toMatch(/^You gave the standard deviation σ = [\d.]+; this item asks for the variance σ²\.$/);
  });
});

describe("precision and log-weights", () => {
  test("gaussian-full-mle: the precision matrix is the key; the covariance typed is named", () => {
    const v = createVariant("gaussian-full-mle", 3, { parametrisation: { covariance: "precision" } });
    const cov = invert(v.key.covariance as number[][]);
    const g = gradeVariant(v, { mean: v.key.mean as number[], covariance: cov });
    if (!g.ok) throw new Error("unreadable");
    expect(g.parts[1]).toMatchObject({ correct: false, mistake: "covariance-for-precision" });
    expect(g.parts[1]!.feedback).toMatch(/^You gave the covariance matrix Σ = \[\[.*\]\]; this item asks for the precision matrix Λ = Σ⁻¹\.$/);
    expect(renderSolution(v)).toContain("Convert to the precision matrix");
  });

  test("em-iteration with log-weights and standard deviations: both conversions, both diagnoses", () => {
    const v = createVariant("em-iteration", 4, { parametrisation: { weights: "log-weights", variance: "sd" } });
    const weights = (v.key.weights as number[]).map(Math.exp);
    expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const variances = (v.key.variances as number[]).map((s) => s * s);
    const g = gradeVariant(v, { weights, means: v.key.means as number[][], variances });
    if (!g.ok) throw new Error("unreadable");
    expect(g.parts.map((p) => p.mistake)).toEqual(["weights-for-log-weights", undefined, "variance-for-sd"]);
    expect(g.parts[0]!.feedback).toMatch(/^You gave the mixing weights γ = \(.*\); this item asks for the log-weights ln γ\.$/);
  });
});

describe("variant generation accounts for the parametrisation mistake", () => {
  test("σ ≈ 1 makes σ and σ² indistinguishable: such data are flagged and redrawn", () => {
    const ambiguous: VariantRecord = { slug: "gaussian-mle", seed: 1, params: { n: 3, ...SD }, data: { x: [0, 0, 3] }, key: { mean: 1, variance: Math.sqrt(2) }, solution: { steps: [] }, solverVersion: "t" };
    expect(mistakesMatchingKey(ambiguous)).toEqual([]);
    const one: VariantRecord = { ...ambiguous, data: { x: [0, 0, 2.1213] }, key: { mean: 0.7071, variance: 1.0000 } };
    expect(mistakesMatchingKey(one)).toContainEqual({ id: "variance-for-sd", part: "variance" });
    // Seeds whose first draw has σ̂ within tolerance of 1: createVariant draws again.
    const ex = getExercise("gaussian-mle")!;
    let found = 0;
    for (let seed = 1; seed <= 3000 && found < 3; seed++) {
      const rng = createRng(seed);
      const first = ex.generate(rng, { n: 10 }) as { x: number[] };
      const r = gaussianMle(first.x);
      if (Math.abs(Math.sqrt(r.variance) - 1) > 0.004) continue;
      found++;
      const asDrawn: VariantRecord = { ...ambiguous, params: { n: 10, ...SD }, data: first, key: { mean: r.mean, variance: Math.sqrt(r.variance) } };
      expect(mistakesMatchingKey(asDrawn)).toContainEqual({ id: "variance-for-sd", part: "variance" });
      const v = createVariant("gaussian-mle", seed, SD);
      expect(v.data).not.toEqual(first);
      expect(Math.abs((v.key.variance as number) - 1)).toBeGreaterThan(0.01);
    }
    expect(found).toBeGreaterThan(0);
  });
});

describe("choices an exercise does not offer are refused, naming the field", () => {
  test.each([
    ["bernoulli-mle", { variance: "sd" }, /^parametrisation: "variance" cannot be chosen: bernoulli-mle offers no parametrisation choice$/],
    ["gaussian-mle", { variance: "std" }, /^parametrisation: variance must be "variance" \(the lecture's\) or "sd", got "std"$/],
    ["gaussian-mle", { covariance: "precision" }, /^parametrisation: "covariance" cannot be chosen: gaussian-mle offers variance: "variance" \(the lecture's\) or "sd"$/],
    ["gaussian-mle", "sd", /^parametrisation: expected an object/],
    ["gaussian-mle", [], /^parametrisation: expected an object/],
    ["gaussian-mle", { variance: 5 }, /^parametrisation: variance must be "variance" \(the lecture's\) or "sd", got 5$/],
    ["gaussian-mle", JSON.parse('{"__proto__": "sd"}'), /^parametrisation: "__proto__" cannot be chosen/],
    ["gmm-known-labels", { weights: "log-weights", variance: "sd", covariance: "precision" }, /^parametrisation: "covariance" cannot be chosen: gmm-known-labels offers weights: "weights" \(the lecture's\) or "log-weights"; variance: "variance" \(the lecture's\) or "sd"$/],
  ])("%s %j", (slug, parametrisation, message) => {
    expect(() => resolveParams(slug, { parametrisation })).toThrow(ExerciseError);
    expect(() => resolveParams(slug, { parametrisation })).toThrow(message);
  });

  test("default items are exactly as before: no parametrisation stored, nothing converted", () => {
    expect(resolveParams("gaussian-mle", {})).toEqual({ n: 10 });
    expect(resolveParams("gaussian-mle", { parametrisation: {} })).toEqual({ n: 10 });
    expect(createVariant("em-iteration", 9, { parametrisation: {} })).toEqual(createVariant("em-iteration", 9));
    expect(renderQuestion(createVariant("gaussian-mle", 9)).html).not.toContain("parametrisation-note");
  });

  test("the self-check cycles through every offer of an exercise", () => {
    expect(checkParametrisations("em-iteration")).toEqual([{ weights: "log-weights" }, { variance: "sd" }, { weights: "log-weights", variance: "sd" }, { weights: "weights", variance: "variance" }]);
    expect(checkParametrisations("bernoulli-mle")).toEqual([]);
  });
});
