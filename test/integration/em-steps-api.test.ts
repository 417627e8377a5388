/**
 * Step-by-step EM over HTTP (issue 12, point 2): a student's wrong responsibilities and an M-step
 * consistent with them earn the M-step parts with `carriedForward: true`; an inconsistent M-step
 * does not; the instructor's per-item carryForward (off, a fraction) applies; bad values are
 * refused with the field named and nothing created.
 */
import { allTokens, as, twoCourses, type Tokens } from "../support/fixtures";
import { forgotWeightsByHand, type InitialMixture, mStepByHand } from "../support/em-by-hand";
import { createTestApp, type TestApp } from "../support/test-app";

let t: TestApp;
let tok: Tokens;
let courseId: number;
let assignmentId: number;

type Part = { name: string; correct: boolean; feedback: string; mistake?: string; carriedForward?: boolean; credit?: number };
type Item = { itemId: number; exercise: string; variantId: number; carryForward?: number; data: { x: number[][]; init: InitialMixture } };

beforeAll(async () => {
  t = await createTestApp({ LIKELY_SUBMIT_LIMIT_PER_MINUTE: "0" });
  ({ courseId } = await twoCourses(t.db));
  tok = await allTokens(t.app);
  const created = await as(t.app, tok.instructor)
    .post(`/api/v1/courses/${courseId}/assignments`, {
      title: "EM step by step",
      kind: "homework",
      items: [{ exercise: "em-steps" }, { exercise: "em-steps", carryForward: 0 }, { exercise: "em-steps", carryForward: 0.5 }, { exercise: "gaussian-mle" }],
    })
    .expect(201);
  assignmentId = created.body.id;
});
afterAll(() => t.close());

async function items(token: string): Promise<Item[]> {
  return (await as(t.app, token).get(`/api/v1/assignments/${assignmentId}`).expect(200)).body.items;
}

/** Wrong responsibilities (weights left out) and the M-step a student computes from them. */
function carriedAnswers(item: Item) {
  const responsibilities = forgotWeightsByHand(item.data.x, item.data.init);
  return { responsibilities, ...mStepByHand(item.data.x, responsibilities) };
}

async function submit(token: string, item: Item, answers: Record<string, unknown>): Promise<{ score: number; parts: Part[] }> {
  return (await as(t.app, token).post(`/api/v1/variants/${item.variantId}/submissions`, { answers }).expect(201)).body;
}

test("items say how carried-forward credit counts; exercises without it say nothing", async () => {
  const list = await items(tok.student1);
  expect(list.map((i) => i.carryForward)).toEqual([1, 0, 0.5, undefined]);
  for (const i of list) expect(i).not.toHaveProperty("key");
});

test("wrong responsibilities and a consistent M-step: the E-step mistake is named, the M-step parts earn their points as carried forward", async () => {
  const [item] = await items(tok.student1);
  const out = await submit(tok.student1, item!, carriedAnswers(item!));
  expect(out.parts[0]).toMatchObject({ name: "responsibilities", correct: false, mistake: "forgot-weights" });
  expect(out.parts.slice(1).map((p) => [p.name, p.correct, p.carriedForward])).toEqual([
    ["weights", true, true],
    ["means", true, true],
    ["variances", true, true],
  ]);
  for (const p of out.parts.slice(1)) expect(p.feedback).toMatch(/^Correct given your responsibilities/);
  expect(out.score).toBeCloseTo(0.75, 12);
  // The stored grade is the one the student saw.
  const subs = await as(t.app, tok.instructor).get(`/api/v1/assignments/${assignmentId}/submissions`).expect(200);
  expect(subs.body.find((s: { variantId: number }) => s.variantId === item!.variantId).score).toBeCloseTo(0.75, 12);
});

test("an M-step consistent with neither the key nor the student's responsibilities earns nothing", async () => {
  const [item] = await items(tok.student2);
  const a = carriedAnswers(item!);
  // Weights moved 0.1 from the carried ones, in the direction away from the key (towards it, they could land on it).
  const key = (await as(t.app, tok.instructor).get(`/api/v1/variants/${item!.variantId}/key`).expect(200)).body.key as { weights: number[] };
  const away = Math.sign(a.weights[0]! - key.weights[0]!) || 1;
  const weights = a.weights.map((w, j) => (j === 0 ? w + 0.1 * away : w - (0.1 * away) / (a.weights.length - 1)));
  const out = await submit(tok.student2, item!, { ...a, means: a.means.map((m) => m.map((v) => v + 0.5)), weights, variances: a.variances.map((v) => v * 1.3) });
  expect(out.parts.map((p) => p.correct)).toEqual([false, false, false, false]);
  expect(out.parts.some((p) => p.carriedForward)).toBe(false);
  expect(out.score).toBe(0);
});

test("carried-forward credit off: the M-step is wrong and the feedback says why", async () => {
  const item = (await items(tok.student1))[1]!;
  const out = await submit(tok.student1, item, carriedAnswers(item));
  expect(out.score).toBe(0);
  for (const p of out.parts.slice(1)) {
    expect(p).toMatchObject({ correct: false });
    expect(p.feedback).toMatch(/follows correctly from your responsibilities, but this exercise gives no credit/);
  }
});

test("carried-forward credit 0.5: half the points of each M-step part, and the student is told", async () => {
  const item = (await items(tok.student1))[2]!;
  const out = await submit(tok.student1, item, carriedAnswers(item));
  expect(out.score).toBeCloseTo(0.375, 12);
  for (const p of out.parts.slice(1)) {
    expect(p).toMatchObject({ correct: true, carriedForward: true, credit: 0.5 });
    expect(p.feedback).toMatch(/earn 50% of the points/);
  }
});

test("a carryForward outside 0..1 or not a number is refused naming the field; nothing is created", async () => {
  const before = (await as(t.app, tok.instructor).get(`/api/v1/courses/${courseId}/assignments`).expect(200)).body.length;
  for (const bad of [1.5, -0.1, "half", null]) {
    const res = await as(t.app, tok.instructor).post(`/api/v1/courses/${courseId}/assignments`, { title: "x", kind: "homework", items: [{ exercise: "em-steps", carryForward: bad }] });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/^items\.0\.carryForward: /);
  }
  expect((await as(t.app, tok.instructor).get(`/api/v1/courses/${courseId}/assignments`).expect(200)).body).toHaveLength(before);
});
