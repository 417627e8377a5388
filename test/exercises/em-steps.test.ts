/**
 * em-steps: the E-step's responsibilities, then the M-step, with error carried forward. The
 * M-step from a student's own responsibilities is computed from the lecture's formulas
 * (test/support/em-by-hand.ts), independently of exercises/em-shared.ts.
 */
import { createVariant, gradeVariant, variantParts, type VariantRecord } from "../../exercises";
import { forgotWeightsByHand, type InitialMixture, mStepByHand } from "../support/em-by-hand";

type Data = { x: number[][]; init: InitialMixture };

// Seeds where forgetting the weights moves every M-step part beyond tolerance (on others, the means can coincide).
describe.each([1, 3, 5, 8])("em-steps seed %i", (seed) => {
  const v: VariantRecord = createVariant("em-steps", seed);
  const data = v.data as Data;
  const wrongResp = forgotWeightsByHand(data.x, data.init);
  const carried = mStepByHand(data.x, wrongResp);

  test("parts are responsibilities (n x k), weights, means (k x d), variances", () => {
    expect(variantParts(v).map((p) => [p.name, p.shape])).toEqual([
      ["responsibilities", { kind: "matrix", rows: 6, cols: 2 }],
      ["weights", { kind: "vector", length: 2 }],
      ["means", { kind: "matrix", rows: 2, cols: 1 }],
      ["variances", { kind: "vector", length: 2 }],
    ]);
  });

  test("wrong responsibilities and an M-step consistent with them: the E-step mistake is named, the M-step earns its points", () => {
    const g = gradeVariant(v, { responsibilities: wrongResp, ...carried });
    if (!g.ok) throw new Error(JSON.stringify(g.errors));
    const [resp, ...mstep] = g.parts;
    expect(resp).toMatchObject({ name: "responsibilities", correct: false, mistake: "forgot-weights" });
    for (const p of mstep) {
      expect(p).toMatchObject({ correct: true, carriedForward: true });
      expect(p.feedback).toMatch(/^Correct given your responsibilities/);
    }
    expect(g.score).toBeCloseTo(0.75, 12);
  });

  test("an M-step consistent with neither the key nor the student's responsibilities earns nothing", () => {
    const off = { weights: carried.weights.map((w, j) => (j === 0 ? w + 0.05 : w - 0.05)), means: carried.means.map((m) => m.map((t) => t + 0.3)), variances: carried.variances.map((s) => s * 1.2) };
    const g = gradeVariant(v, { responsibilities: wrongResp, ...off });
    if (!g.ok) throw new Error(JSON.stringify(g.errors));
    for (const p of g.parts) expect(p.correct).toBe(false);
    expect(g.parts.some((p) => p.carriedForward)).toBe(false);
    expect(g.score).toBe(0);
  });

  test("credit off or a fraction, per item", () => {
    const answers = { responsibilities: wrongResp, ...carried };
    const none = gradeVariant(v, answers, { carryForward: 0 });
    const half = gradeVariant(v, answers, { carryForward: 0.5 });
    if (!none.ok || !half.ok) throw new Error("unreadable");
    expect(none.score).toBe(0);
    expect(none.parts[1].feedback).toMatch(/no credit for answers carried forward/);
    expect(half.score).toBeCloseTo((3 * 0.5) / 4, 12);
    expect(half.parts[1]).toMatchObject({ correct: true, carriedForward: true, credit: 0.5 });
    expect(half.parts[1].feedback).toMatch(/earn 50% of the points/);
  });

  test("variances around the student's own (wrong) means count; unnormalised rows carry nothing", () => {
    const key = v.key as { responsibilities: number[][]; weights: number[]; means: number[][]; variances: number[] };
    const myMeans = key.means.map((m) => m.map((t) => t + 0.4));
    const g = gradeVariant(v, { ...key, means: myMeans, variances: mStepByHand(data.x, key.responsibilities, myMeans).variances });
    if (!g.ok) throw new Error("unreadable");
    expect(g.parts.map((p) => [p.name, p.correct, p.carriedForward ?? false])).toEqual([
      ["responsibilities", true, false],
      ["weights", true, false],
      ["means", false, false],
      ["variances", true, true],
    ]);
    expect(g.parts[3].feedback).toMatch(/Correct given your means/);

    const unnormalised = wrongResp.map((row) => row.map((t) => t * 2));
    const u = gradeVariant(v, { responsibilities: unnormalised, ...mStepByHand(data.x, unnormalised) });
    if (!u.ok) throw new Error("unreadable");
    expect(u.parts.filter((p) => p.correct).map((p) => p.name)).toEqual([]);
  });
});

test("gmm-known-labels: variances around the student's own means are carried forward", () => {
  const v = createVariant("gmm-known-labels", 4);
  const { x, labels, k } = v.data as { x: number[][]; labels: number[]; k: number };
  const oneHot = labels.map((l) => Array.from({ length: k }, (_, j) => (j === l ? 1 : 0)));
  const key = v.key as { weights: number[]; means: number[][]; variances: number[] };
  const myMeans = key.means.map((m) => m.map((t) => t - 0.5));
  const variances = mStepByHand(x, oneHot, myMeans).variances;
  const g = gradeVariant(v, { ...key, means: myMeans, variances });
  if (!g.ok) throw new Error("unreadable");
  expect(g.parts.find((p) => p.name === "variances")).toMatchObject({ correct: true, carriedForward: true });
  const off = gradeVariant(v, { ...key, means: myMeans, variances }, { carryForward: 0 });
  if (!off.ok) throw new Error("unreadable");
  expect(off.parts.find((p) => p.name === "variances")?.correct).toBe(false);
});

test("a named mistake that explains both the means and the variances stays named, not carried forward", () => {
  // On this variant the plain (unweighted) variances lie within 1% of the variances around the plain means.
  const v = createVariant("em-steps", 74, { n: 4, d: 1, k: 2 });
  const x = (v.data as Data).x.map((p) => p[0]!);
  const mean = x.reduce((a, b) => a + b, 0) / x.length;
  const variance = x.reduce((a, b) => a + (b - mean) ** 2, 0) / x.length;
  const g = gradeVariant(v, { ...v.key, means: [[mean], [mean]], variances: [variance, variance] });
  if (!g.ok) throw new Error("unreadable");
  expect(g.parts.slice(2).map((p) => [p.name, p.correct, p.mistake, p.carriedForward])).toEqual([
    ["means", false, "unweighted-m-step", undefined],
    ["variances", false, "unweighted-m-step", undefined],
  ]);
});
