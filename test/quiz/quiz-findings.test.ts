/**
 * Findings from live quizzes (issue 13), at the HTTP level: data that cannot catch a mistake
 * (finding 19, and its homework sibling), and ended quizzes (finding 20).
 */
import { getExercise, gradeVariant, type VariantRecord } from "../../exercises";
import { toVariantRecord } from "../../src/quiz/variants";
import { selectOptionalQuiz, selectOptionalQuizVariant } from "../../src/db/quizzes";
import { allTokens, as, PASSWORD, twoCourses, type Tokens } from "../support/fixtures";
import { createTestApp, signInAgent, type TestApp } from "../support/test-app";

let t: TestApp;
let tok: Tokens;
let courseId: number;

beforeAll(async () => {
  t = await createTestApp();
  ({ courseId } = await twoCourses(t.db));
  tok = await allTokens(t.app);
});
// Let throttled count updates (250 ms) finish before the database goes away.
afterAll(async () => {
  await new Promise((r) => setTimeout(r, 400));
  await t.close();
});

/** "mistake on part" for every known mistake a student could make on this data and be graded right. */
function mistakesGradedRight(v: VariantRecord): string[] {
  const ex = getExercise(v.slug)!;
  const out: string[] = [];
  for (const m of ex.mistakes(v.data, v.params, v.key)) {
    const g = gradeVariant(v, { ...v.key, ...m.answers });
    if (!g.ok) throw new Error(`mistake ${m.id} did not parse`);
    for (const part of Object.keys(m.answers)) if (g.parts.find((p) => p.name === part)?.correct) out.push(`${m.id} on ${part} (data ${JSON.stringify(v.data)})`);
  }
  return out;
}

// Bernoulli data of 4 points hold 2 ones in about a third of draws: then "the fraction of zeros"
// equals θ̂. Thirty questions make a draw like that near certain unless the data are drawn again.
const SMALL_BERNOULLI = Array.from({ length: 30 }, () => ({ exercise: "bernoulli-mle", params: { n: 4 } }));

describe("finding 19: quiz data separate every known mistake from the key", () => {
  test("shared data: no mistake scores as correct on any question", async () => {
    const res = await as(t.app, tok.instructor).post(`/api/v1/courses/${courseId}/quizzes`, { title: "Coins", items: SMALL_BERNOULLI, sharedData: true }).expect(201);
    const quiz = (await selectOptionalQuiz(t.db, res.body.id))!;
    const bad: string[] = [];
    for (const item of quiz.items) bad.push(...mistakesGradedRight(toVariantRecord((await selectOptionalQuizVariant(t.db, item.id, null))!)));
    expect(bad).toEqual([]);
  });

  test("a student answering with the fraction of zeros is told so on shared data", async () => {
    const res = await as(t.app, tok.instructor).post(`/api/v1/courses/${courseId}/quizzes`, { title: "Coins 2", items: SMALL_BERNOULLI.slice(0, 10), sharedData: true }).expect(201);
    const id = res.body.id as number;
    const { joinCode } = (await as(t.app, tok.instructor).post(`/api/v1/quizzes/${id}/start`).expect(200)).body;
    await as(t.app, tok.student1).post("/api/v1/quiz-join", { code: joinCode }).expect(200);
    const quiz = (await selectOptionalQuiz(t.db, id))!;
    for (let index = 0; index < quiz.items.length; index++) {
      await as(t.app, tok.instructor).post(`/api/v1/quizzes/${id}/next`).expect(200);
      const v = toVariantRecord((await selectOptionalQuizVariant(t.db, quiz.items[index]!.id, null))!);
      const theta = v.key.theta as number;
      await as(t.app, tok.student1).post(`/api/v1/quizzes/${id}/answers`, { index, answers: { theta: String(1 - theta) } }).expect(201);
      await as(t.app, tok.instructor).post(`/api/v1/quizzes/${id}/reveal`).expect(200);
      const current = (await as(t.app, tok.student1).get(`/api/v1/quizzes/${id}/current`).expect(200)).body;
      expect({ index, correct: current.result.parts[0].correct }).toEqual({ index, correct: false });
    }
  });

  test("personal quiz variants separate every mistake too", async () => {
    const res = await as(t.app, tok.instructor).post(`/api/v1/courses/${courseId}/quizzes`, { title: "Own coins", items: SMALL_BERNOULLI.slice(0, 12), sharedData: false }).expect(201);
    const id = res.body.id as number;
    const { joinCode } = (await as(t.app, tok.instructor).post(`/api/v1/quizzes/${id}/start`).expect(200)).body;
    for (const s of [tok.student1, tok.student2, tok.student3]) await as(t.app, s).post("/api/v1/quiz-join", { code: joinCode }).expect(200);
    const bad: string[] = [];
    const variants = [];
    for (let index = 0; index < 12; index++) {
      await as(t.app, tok.instructor).post(`/api/v1/quizzes/${id}/next`).expect(200);
      for (const s of [tok.student1, tok.student2, tok.student3]) await as(t.app, s).get(`/api/v1/quizzes/${id}/current`).expect(200);
    }
    const quiz = (await selectOptionalQuiz(t.db, id))!;
    for (const item of quiz.items) {
      const rows = await t.db.variant.findMany({ where: { quizItemId: item.id } });
      variants.push(...rows);
      for (const row of rows) bad.push(...mistakesGradedRight(toVariantRecord((await selectOptionalQuizVariant(t.db, item.id, row.userId))!)));
    }
    expect(variants.length).toBe(36);
    expect(bad).toEqual([]);
  });

  test("sibling: personal homework variants separate every mistake", async () => {
    const created = await as(t.app, tok.instructor)
      .post(`/api/v1/courses/${courseId}/assignments`, { title: "Coin homework", kind: "homework", items: SMALL_BERNOULLI })
      .expect(201);
    const view = (await as(t.app, tok.student2).get(`/api/v1/assignments/${created.body.id}`).expect(200)).body as { items: { variantId: number }[] };
    const bad: string[] = [];
    for (const item of view.items) {
      const key = (await as(t.app, tok.instructor).get(`/api/v1/variants/${item.variantId}/key`).expect(200)).body.key;
      const row = await t.db.variant.findUniqueOrThrow({ where: { id: item.variantId } });
      bad.push(
        ...mistakesGradedRight({
          slug: row.exercise,
          seed: row.seed,
          params: JSON.parse(row.params),
          data: JSON.parse(row.data),
          key,
          solution: { steps: [] },
          solverVersion: row.solverVersion,
        }),
      );
    }
    expect(view.items.length).toBe(30);
    expect(bad).toEqual([]);
  });
});

describe("finding 2: mle-sample-size grades the estimate, not the truth", () => {
  test("true σ², true μ and the n − 1 variance lose; a reasonably rounded mean scores (n = 1000, σ = 0.1)", async () => {
    const created = await as(t.app, tok.instructor)
      .post(`/api/v1/courses/${courseId}/assignments`, { title: "Try it yourself", kind: "homework", items: [{ exercise: "mle-sample-size", params: { n: 1000, mu: 0, sigma: 0.1 } }] })
      .expect(201);
    const view = (await as(t.app, tok.student3).get(`/api/v1/assignments/${created.body.id}`).expect(200)).body as { items: { variantId: number }[] };
    const variantId = view.items[0]!.variantId;
    const key = (await as(t.app, tok.instructor).get(`/api/v1/variants/${variantId}/key`).expect(200)).body.key as { mean: number; variance: number };
    const submit = async (answers: Record<string, unknown>) =>
      (await as(t.app, tok.student3).post(`/api/v1/variants/${variantId}/submissions`, { answers }).expect(201)).body.parts as { name: string; correct: boolean; mistake?: string }[];
    const part = (parts: { name: string; correct: boolean; mistake?: string }[], name: string) => parts.find((p) => p.name === name)!;

    // The mean rounded to 2 significant digits (0.001459 -> 0.0015) and the variance to 5.
    const rounded = await submit({ mean: key.mean.toPrecision(2), variance: key.variance.toPrecision(5) });
    expect(rounded.map((p) => [p.name, p.correct])).toEqual([
      ["mean", true],
      ["variance", true],
    ]);
    const truth = await submit({ mean: "0", variance: "0.01" });
    expect(part(truth, "mean")).toMatchObject({ correct: false, mistake: "true-mean" });
    expect(part(truth, "variance")).toMatchObject({ correct: false, mistake: "true-variance" });
    const unbiased = await submit({ mean: key.mean, variance: (key.variance * 1000) / 999 });
    expect(part(unbiased, "variance")).toMatchObject({ correct: false, mistake: "n-minus-1" });
  });
});

describe("finding 20: an ended quiz", () => {
  let quizId: number;
  let oldCode: string;
  beforeAll(async () => {
    const res = await as(t.app, tok.instructor)
      .post(`/api/v1/courses/${courseId}/quizzes`, { title: "Ended early", items: [{ exercise: "gaussian-mle" }, { exercise: "bernoulli-mle" }, { exercise: "gaussian-mle" }] })
      .expect(201);
    quizId = res.body.id;
    oldCode = (await as(t.app, tok.instructor).post(`/api/v1/quizzes/${quizId}/start`).expect(200)).body.joinCode;
    await as(t.app, tok.student1).post("/api/v1/quiz-join", { code: oldCode }).expect(200);
    await as(t.app, tok.instructor).post(`/api/v1/quizzes/${quizId}/next`).expect(200);
    const v = toVariantRecord((await selectOptionalQuizVariant(t.db, (await selectOptionalQuiz(t.db, quizId))!.items[0]!.id, null))!);
    await as(t.app, tok.student1).post(`/api/v1/quizzes/${quizId}/answers`, { index: 0, answers: v.key }).expect(201);
    await as(t.app, tok.instructor).post(`/api/v1/quizzes/${quizId}/end`).expect(200);
  });

  test("ending after one of three questions makes a gradebook column worth one point", async () => {
    const book = (await as(t.app, tok.instructor).get(`/api/v1/courses/${courseId}/gradebook`).expect(200)).body;
    const column = book.assignments.find((c: { key: string }) => c.key === `quiz-${quizId}`);
    expect(column.points).toBe(1);
    const student = book.students.find((s: { email: string }) => s.email === "student1@example.edu");
    expect(student.scores[column.key]).toBe(1);
    // The phone's summary counts the same questions.
    const current = (await as(t.app, tok.student1).get(`/api/v1/quizzes/${quizId}/current`).expect(200)).body;
    expect(current.summary).toMatchObject({ earned: 1, points: 1, answered: 1 });
  });

  test("the quiz list offers no Present and no join code; the old code joins nothing", async () => {
    const instructor = await signInAgent(t.app, "instructor@example.edu", PASSWORD);
    const html = (await instructor.get(`/courses/${courseId}/quizzes`).expect(200)).text;
    const row = html.match(new RegExp(`<tr>(?:(?!</tr>)[\\s\\S])*?Ended early[\\s\\S]*?</tr>`))![0];
    expect(row).not.toContain(`/quizzes/${quizId}/present"`);
    expect(row).not.toContain(oldCode);
    expect(row).toContain(`/quizzes/${quizId}/results`);
    const list = (await as(t.app, tok.instructor).get(`/api/v1/courses/${courseId}/quizzes`).expect(200)).body;
    expect(list.find((q: { id: number }) => q.id === quizId).joinCode).toBeNull();
    await as(t.app, tok.student2).post("/api/v1/quiz-join", { code: oldCode }).expect(404);
    // The presenter page of an ended quiz sums up; it shows no join code.
    const present = (await instructor.get(`/quizzes/${quizId}/present`).expect(200)).text;
    expect(present).not.toContain(oldCode);
    // Sibling: the results page of an ended quiz offers no presenter view either.
    const results = (await instructor.get(`/quizzes/${quizId}/results`).expect(200)).text;
    expect(results).not.toContain(`/quizzes/${quizId}/present"`);
  });

  test("sibling of finding 15: the results page shows every answer part, not only the first", async () => {
    const instructor = await signInAgent(t.app, "instructor@example.edu", PASSWORD);
    const html = (await instructor.get(`/quizzes/${quizId}/results`).expect(200)).text;
    const first = html.slice(html.indexOf('id="q1-title"'), html.indexOf('id="q2-title"'));
    expect(first).toContain('data-part="mean"');
    expect(first).toContain('data-part="variance"');
    expect((first.match(/svg[^>]*likely-histogram/g) ?? []).length).toBe(2);
  });
});
