/**
 * Finding 22: a re-answer to a quiz question nested 20,000 levels deep answered 500 (the
 * comparison with the stored answer overflowed the stack). Depth is bounded wherever JSON is
 * walked: request bodies (API and the pages' JSON posts), the re-answer comparison, answer parsing.
 */
import request from "supertest";
import { gradeVariant, createVariant } from "../../exercises";
import { exceedsJsonDepth, MAX_JSON_DEPTH } from "../../src/json-depth";
import { quizDeps, submitAnswer, loadQuiz } from "../../src/quiz/service";
import { allTokens, as, PASSWORD, twoCourses, type Tokens } from "../support/fixtures";
import { createTestApp, signInAgent, type TestApp } from "../support/test-app";

let t: TestApp;
let tok: Tokens;
let courseId: number;

beforeAll(async () => {
  t = await createTestApp({ LIKELY_SUBMIT_LIMIT_PER_MINUTE: "0" });
  ({ courseId } = await twoCourses(t.db));
  tok = await allTokens(t.app);
});
afterAll(async () => {
  await new Promise((r) => setTimeout(r, 400)); // throttled quiz count updates
  await t.close();
});

/** `[[[...1...]]]` nested `depth` levels, as JSON text (JSON.stringify itself would overflow). */
const nested = (depth: number) => "[".repeat(depth) + "1" + "]".repeat(depth);

async function runningQuiz(): Promise<{ quizId: number; code: string }> {
  const quizId = (await as(t.app, tok.instructor).post(`/api/v1/courses/${courseId}/quizzes`, { title: "Deep", items: [{ exercise: "bernoulli-mle" }] }).expect(201)).body.id;
  const { joinCode } = (await as(t.app, tok.instructor).post(`/api/v1/quizzes/${quizId}/start`).expect(200)).body;
  await as(t.app, tok.instructor).post(`/api/v1/quizzes/${quizId}/next`).expect(200);
  return { quizId, code: joinCode };
}

test("a quiz re-answer nested 20,000 levels deep is a 400 (API) and the stored answer stands", async () => {
  const { quizId, code } = await runningQuiz();
  await as(t.app, tok.student1).post("/api/v1/quiz-join", { code }).expect(200);
  await as(t.app, tok.student1).post(`/api/v1/quizzes/${quizId}/answers`, { index: 0, answers: { theta: "0.5" } }).expect(201);
  const deep = await request(t.app)
    .post(`/api/v1/quizzes/${quizId}/answers`)
    .set("Authorization", `Bearer ${tok.student1}`)
    .set("Content-Type", "application/json")
    .send(`{"index":0,"answers":{"theta":${nested(20_000)}}}`);
  expect(deep.status).toBe(400);
  expect(deep.body.error).toMatch(/nested too deeply/);
  // Just past the limit is refused too; just within reaches the comparison, which answers "already answered".
  const past = await request(t.app).post(`/api/v1/quizzes/${quizId}/answers`).set("Authorization", `Bearer ${tok.student1}`).set("Content-Type", "application/json").send(`{"index":0,"answers":{"theta":${nested(MAX_JSON_DEPTH - 1)}}}`);
  expect(past.status).toBe(400);
  const within = await request(t.app).post(`/api/v1/quizzes/${quizId}/answers`).set("Authorization", `Bearer ${tok.student1}`).set("Content-Type", "application/json").send(`{"index":0,"answers":{"theta":${nested(MAX_JSON_DEPTH - 2)}}}`);
  expect(within.status).toBe(409);
  await as(t.app, tok.student1).post(`/api/v1/quizzes/${quizId}/answers`, { index: 0, answers: { theta: "0.5" } }).expect(201);
});

test("the phone page's answer post (cookie session) refuses the same body with a 400", async () => {
  const { quizId, code } = await runningQuiz();
  const phone = await signInAgent(t.app, "student2@example.edu", PASSWORD);
  await as(t.app, tok.student2).post("/api/v1/quiz-join", { code }).expect(200);
  const page = await phone.get(`/quiz/${quizId}`).expect(200);
  const csrf = /name="csrf-token" content="([^"]+)"/.exec(page.text)?.[1] ?? /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
  await phone.post(`/quiz/${quizId}/answers`).set("x-csrf-token", csrf).set("Content-Type", "application/json").send(`{"index":0,"answers":{"theta":"0.25"}}`).expect(201);
  const deep = await phone.post(`/quiz/${quizId}/answers`).set("x-csrf-token", csrf).set("Content-Type", "application/json").set("Accept", "application/json").send(`{"index":0,"answers":{"theta":${nested(20_000)}}}`);
  expect(deep.status).toBe(400);
});

test("the comparison itself is bounded: a deep re-answer that bypasses the body check is 'already answered', not a stack overflow", async () => {
  const { quizId, code } = await runningQuiz();
  await as(t.app, tok.student3).post("/api/v1/quiz-join", { code }).expect(200);
  await as(t.app, tok.student3).post(`/api/v1/quizzes/${quizId}/answers`, { index: 0, answers: { theta: "0.5" } }).expect(201);
  const user = await t.db.user.findUniqueOrThrow({ where: { email: "student3@example.edu" } });
  const deps = quizDeps(t.db);
  const quiz = (await loadQuiz(deps, quizId))!;
  const answers = { theta: JSON.parse(nested(20_000)) as unknown };
  await expect(submitAnswer(deps, quiz, user.id, { index: 0, answers })).rejects.toMatchObject({ status: 409 });
});

test("homework submissions, assignment and roster bodies nested 20,000 levels deep are 400s", async () => {
  const assignmentId = (await as(t.app, tok.instructor).post(`/api/v1/courses/${courseId}/assignments`, { title: "Deep", kind: "homework", items: [{ exercise: "gaussian-mle" }] }).expect(201)).body.id;
  const variantId = (await as(t.app, tok.student1).get(`/api/v1/assignments/${assignmentId}`).expect(200)).body.items[0].variantId;
  const posts: [string, string, string][] = [
    [`/api/v1/variants/${variantId}/submissions`, tok.student1, `{"answers":{"mean":${nested(20_000)},"variance":"1"}}`],
    [`/api/v1/courses/${courseId}/assignments`, tok.instructor, `{"title":"x","kind":"homework","items":[{"exercise":"gaussian-mle","params":{"n":${nested(20_000)}}}]}`],
    [`/api/v1/courses/${courseId}/quizzes`, tok.instructor, `{"title":"x","items":[{"exercise":"gaussian-mle","params":{"n":${nested(20_000)}}}]}`],
    [`/api/v1/courses/${courseId}/students`, tok.instructor, `{"students":${nested(20_000)}}`],
  ];
  for (const [path, token, body] of posts) {
    const res = await request(t.app).post(path).set("Authorization", `Bearer ${token}`).set("Content-Type", "application/json").send(body);
    expect({ path, status: res.status, error: res.body.error }).toEqual({ path, status: 400, error: expect.stringMatching(/nested too deeply/) });
  }
  expect(await t.db.submission.count()).toBe(0);
});

test("answer parsing and the depth check walk without recursion", () => {
  expect(exceedsJsonDepth(JSON.parse(nested(200_000)))).toBe(true);
  expect(exceedsJsonDepth(JSON.parse(nested(MAX_JSON_DEPTH)))).toBe(false);
  expect(exceedsJsonDepth({ a: [{ b: JSON.parse(nested(MAX_JSON_DEPTH - 2)) }] })).toBe(true);
  const graded = gradeVariant(createVariant("gaussian-mle", 1), { mean: JSON.parse(nested(20_000)), variance: `${nested(20_000)}` });
  expect(graded.ok).toBe(false);
});
