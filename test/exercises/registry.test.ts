import {
  CORE_SLUGS,
  createVariant,
  dataAsCsv,
  dataAsJson,
  ExerciseError,
  getExercise,
  gradeVariant,
  listExercises,
  resolveParams,
  toStudentVariant,
  variantMistakes,
  variantSummary,
} from "../../exercises";
import { SOLVER_VERSION } from "../../src/solver";

describe("catalogue", () => {
  test("lists at least 12 exercises including the six core slugs", () => {
    const list = listExercises();
    expect(list.length).toBeGreaterThanOrEqual(12);
    for (const slug of CORE_SLUGS) expect(list.map((e) => e.slug)).toContain(slug);
    for (const e of list) {
      expect(e.formulaHtml).toContain('class="katex');
      expect(e.parts.length).toBeGreaterThan(0);
      expect(e.title).not.toBe("");
    }
  });

  test("core exercises keep their public part names", () => {
    const names = (slug: string) => listExercises().find((e) => e.slug === slug)!.parts.map((p) => p.name);
    expect(names("bernoulli-mle")).toEqual(["theta"]);
    expect(names("gaussian-mle")).toEqual(["mean", "variance"]);
    expect(names("spherical-gaussian-mle")).toEqual(["mean", "variance"]);
    expect(names("gaussian-full-mle")).toEqual(["mean", "covariance"]);
    expect(names("gmm-known-labels")).toEqual(["weights", "means", "variances"]);
    expect(names("em-iteration")).toEqual(["weights", "means", "variances"]);
  });

  test("core exercises keep their public data fields", () => {
    expect(Object.keys(createVariant("gmm-known-labels", 1).data as object).sort()).toEqual(["k", "labels", "x"]);
    expect(Object.keys(createVariant("em-iteration", 1).data as object).sort()).toEqual(["init", "x"]);
    const init = (createVariant("em-iteration", 1).data as { init: object }).init;
    expect(Object.keys(init).sort()).toEqual(["means", "variances", "weights"]);
    for (const slug of ["bernoulli-mle", "gaussian-mle", "spherical-gaussian-mle", "gaussian-full-mle"]) {
      expect(Object.keys(createVariant(slug, 1).data as object)).toEqual(["x"]);
    }
  });
});

describe("resolveParams", () => {
  test("applies defaults and accepts numeric text", () => {
    expect(resolveParams("gmm-known-labels", {})).toEqual({ n: 12, d: 1, k: 2 });
    expect(resolveParams("gmm-known-labels", { n: "20", k: 3 })).toEqual({ n: 20, d: 1, k: 3 });
  });
  test("rejects bad values with a message naming the parameter", () => {
    expect(() => resolveParams("gaussian-mle", { n: 1 })).toThrow(ExerciseError);
    expect(() => resolveParams("gaussian-mle", { n: 1 })).toThrow(/parameter "n" must be an integer from 3 to 500/);
    expect(() => resolveParams("gaussian-mle", { n: 2.5 })).toThrow(/"n"/);
    expect(() => resolveParams("gaussian-mle", { n: "" })).toThrow(/"n"/);
    expect(() => resolveParams("gaussian-mle", { size: 3 })).toThrow(/unknown parameter "size"/);
    expect(() => resolveParams("gmm-known-labels", { n: 5, k: 2 })).toThrow(/parameter "n" must be at least 3k = 6/);
    expect(() => resolveParams("no-such", {})).toThrow(/unknown exercise "no-such"/);
  });
});

describe("createVariant", () => {
  test("is deterministic, records the solver version and validates the seed", () => {
    const a = createVariant("em-iteration", 5, { n: 10 });
    expect(createVariant("em-iteration", 5, { n: 10 })).toEqual(a);
    expect(a.solverVersion).toBe(SOLVER_VERSION);
    expect(a.params).toEqual({ n: 10, d: 1, k: 2 });
    expect(() => createVariant("em-iteration", -1)).toThrow(/seed must be an integer/);
    expect(() => createVariant("em-iteration", 1.5)).toThrow(/seed/);
  });

  test("the student view has no key, no solution and no seed (the seed reproduces the key)", () => {
    const s = toStudentVariant(createVariant("gaussian-mle", 3));
    expect(Object.keys(s).sort()).toEqual(["data", "params", "slug", "solverVersion"]);
  });
});

describe("gradeVariant", () => {
  const v = createVariant("gaussian-mle", 2);
  const key = v.key as { mean: number; variance: number };
  const n = (v.data as { x: number[] }).x.length;

  test("full marks for the key, half for one wrong part", () => {
    const g = gradeVariant(v, { mean: String(key.mean), variance: key.variance });
    expect(g.ok && g.score).toBe(1);
    const h = gradeVariant(v, { mean: key.mean, variance: key.variance * 1.5 });
    expect(h.ok && h.score).toBe(0.5);
  });

  test("diagnoses n - 1", () => {
    const g = gradeVariant(v, { mean: key.mean, variance: (key.variance * n) / (n - 1) });
    if (!g.ok) throw new Error("did not parse");
    const part = g.parts.find((p) => p.name === "variance")!;
    expect(part.correct).toBe(false);
    expect(part.mistake).toBe("n-minus-1");
    expect(part.feedback).toMatch(/n − 1/);
  });

  test("unreadable answers are errors, not grades", () => {
    const g = gradeVariant(v, { mean: "abc", variance: 1 });
    expect(g.ok).toBe(false);
    if (!g.ok) expect(Object.keys(g.errors)).toEqual(["mean"]);
  });

  test("a wider tolerance drops mistakes that now coincide with the key", () => {
    const wide = variantMistakes(v, { rtol: 0.5 }).map((m) => m.id);
    expect(wide).not.toContain("n-minus-1");
    expect(variantMistakes(v).map((m) => m.id)).toContain("n-minus-1");
  });
});

describe("downloads and summaries", () => {
  test("CSV has named columns and one row per point", () => {
    const v = createVariant("m-step", 1, { n: 8, d: 2, k: 2 });
    const lines = dataAsCsv(toStudentVariant(v)).trim().split("\n");
    expect(lines[0]).toBe("x1,x2,r1,r2");
    expect(lines).toHaveLength(9);
    const g = createVariant("gmm-known-labels", 1);
    expect(dataAsCsv(toStudentVariant(g)).split("\n")[0]).toBe("x,label");
  });

  test("JSON carries the data (init parameters included) and no key", () => {
    const v = createVariant("em-iteration", 1);
    const json = JSON.parse(dataAsJson(toStudentVariant(v)));
    expect(json.data.init.means).toEqual((v.data as { init: { means: number[][] } }).init.means);
    expect(json.key).toBeUndefined();
    expect(json.solution).toBeUndefined();
  });

  test("summary names the exercise, seed and sizes", () => {
    expect(variantSummary(createVariant("gmm-known-labels", 4))).toBe(
      "Mixture of spherical Gaussians with known labels (seed 4): n = 12, d = 1, k = 2",
    );
    expect(getExercise("toString")).toBeUndefined();
  });
});
