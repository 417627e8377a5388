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
afterAll(() => t.close());

test("a live quiz is a gradebook column, in the API, the page and the CSV", async () => {
  const quiz = await as(t.app, tok.instructor).post(`/api/v1/courses/${courseId}/quizzes`, { title: "Lecture 5 quiz", items: [{ exercise: "gaussian-mle" }], secondsPerQuestion: 120 }).expect(201);
  const { joinCode } = (await as(t.app, tok.instructor).post(`/api/v1/quizzes/${quiz.body.id}/start`).expect(200)).body;
  for (const s of [tok.student1, tok.student2]) await as(t.app, s).post("/api/v1/quiz-join", { code: joinCode }).expect(200);
  await as(t.app, tok.instructor).post(`/api/v1/quizzes/${quiz.body.id}/next`).expect(200);
  const variant = await t.db.variant.findFirstOrThrow({ where: { quizItem: { quizId: quiz.body.id } } });
  const key = JSON.parse(variant.key) as { mean: number; variance: number };
  await as(t.app, tok.student1).post(`/api/v1/quizzes/${quiz.body.id}/answers`, { index: 0, answers: { mean: key.mean, variance: key.variance } }).expect(201);
  await as(t.app, tok.student2).post(`/api/v1/quizzes/${quiz.body.id}/answers`, { index: 0, answers: { mean: key.mean, variance: key.variance * 2 } }).expect(201);
  await as(t.app, tok.instructor).post(`/api/v1/quizzes/${quiz.body.id}/end`).expect(200);

  const book = (await as(t.app, tok.instructor).get(`/api/v1/courses/${courseId}/gradebook`).expect(200)).body;
  const column = book.assignments.find((c: { key: string }) => c.key === `quiz-${quiz.body.id}`);
  expect(column).toMatchObject({ title: "Lecture 5 quiz", kind: "quiz", points: 1 });
  const score = (email: string) => book.students.find((s: { email: string }) => s.email === email).scores[column.key];
  expect(score("student1@example.edu")).toBe(1);
  expect(score("student2@example.edu")).toBe(0.5);
  expect(score("student3@example.edu")).toBeNull();

  const instructor = await signInAgent(t.app, "instructor@example.edu", PASSWORD);
  expect((await instructor.get(`/courses/${courseId}/gradebook`).expect(200)).text).toContain("Lecture 5 quiz");
  const csv = (await instructor.get(`/courses/${courseId}/gradebook.csv`).expect(200)).text;
  expect(csv).toContain("Lecture 5 quiz (1 pts)");
});
