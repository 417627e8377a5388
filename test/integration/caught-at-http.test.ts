/**
 * Three planted bugs that only unit tests caught (issue 13): NaN accepted by the answer parser, the
 * key revealed one attempt early, and the quiz CSV neutralising only "=". Each is caught here where
 * a user meets it: over HTTP, through the API and the pages.
 */
import request from "supertest";
import { allTokens, as, PASSWORD, twoCourses, type Tokens } from "../support/fixtures";
import { createTestApp, csrfFrom, signInAgent, type TestApp } from "../support/test-app";

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

async function homework(body: Record<string, unknown>) {
  const { id } = (await as(t.app, tok.instructor).post(`/api/v1/courses/${courseId}/assignments`, { title: "Planted", kind: "homework", items: [{ exercise: "gaussian-mle" }], ...body }).expect(201)).body;
  const item = (await as(t.app, tok.student1).get(`/api/v1/assignments/${id}`).expect(200)).body.items[0] as { itemId: number; variantId: number };
  return { assignmentId: id as number, ...item };
}

test("NaN in any spelling is unreadable (422, no attempt used) through the API and the form", async () => {
  const { assignmentId, itemId, variantId } = await homework({ maxAttempts: 3 });
  for (const nan of ["nan", "NaN", "-nan", "+NaN", " nan "]) {
    const res = await as(t.app, tok.student1).post(`/api/v1/variants/${variantId}/submissions`, { answers: { mean: nan, variance: "1" } });
    expect({ nan, status: res.status }).toEqual({ nan, status: 422 });
    expect(res.body.parts.mean).toMatch(/not a number/);
  }
  const page = await signInAgent(t.app, "student1@example.edu", PASSWORD);
  const html = (await page.get(`/assignments/${assignmentId}/items/${itemId}`).expect(200)).text;
  const form = await page.post(`/assignments/${assignmentId}/items/${itemId}`).type("form").send({ _csrf: csrfFrom(html), part_mean: "NaN", part_variance: "1" });
  expect(form.status).toBe(422);
  expect(await t.db.submission.count({ where: { variantId } })).toBe(0);
  const view = (await as(t.app, tok.student1).get(`/api/v1/assignments/${assignmentId}`).expect(200)).body.items[0];
  expect(view.attemptsLeft).toBe(3);
});

test("after-attempts reveal: no key or worked solution until the last attempt is used, then both", async () => {
  const { assignmentId, itemId, variantId } = await homework({ maxAttempts: 3, revealPolicy: "after-attempts" });
  const page = await signInAgent(t.app, "student1@example.edu", PASSWORD);
  const wrong = () => as(t.app, tok.student1).post(`/api/v1/variants/${variantId}/submissions`, { answers: { mean: "123456", variance: "654321" } }).expect(201);
  const seen = async () => {
    const api = (await as(t.app, tok.student1).get(`/api/v1/assignments/${assignmentId}`).expect(200)).body.items[0];
    const html = (await page.get(`/assignments/${assignmentId}/items/${itemId}`).expect(200)).text;
    return { attemptsLeft: api.attemptsLeft as number, apiKey: "key" in api, solution: html.includes("Worked solution") };
  };
  expect(await seen()).toEqual({ attemptsLeft: 3, apiKey: false, solution: false });
  await wrong();
  expect(await seen()).toEqual({ attemptsLeft: 2, apiKey: false, solution: false });
  await wrong();
  expect(await seen()).toEqual({ attemptsLeft: 1, apiKey: false, solution: false }); // one attempt left: still hidden
  await wrong();
  expect(await seen()).toEqual({ attemptsLeft: 0, apiKey: true, solution: true });
});

/** Cells of a CSV text (RFC 4180 quoting), row by row. */
function csvRows(text: string): string[][] {
  return text
    .replace(/^\uFEFF/, "")
    .split("\r\n")
    .filter((line) => line !== "")
    .map((line) => [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(?:,|$)/g)].slice(0, -1).map((m) => (m[1]!.startsWith('"') ? m[1]!.slice(1, -1).replace(/""/g, '"') : m[1]!)));
}

test("the quiz results CSV neutralises every formula start (= + - @) in names and answers", async () => {
  const names = ["=1+1", "+SUM(1)", "-2+3", "@SUM(A1)"];
  const students = names.map((name, i) => ({ email: `formula${i}@example.edu`, name, password: `formula-password-${i}` }));
  await as(t.app, tok.instructor).post(`/api/v1/courses/${courseId}/students`, { students }).expect(201);
  const quizId = (await as(t.app, tok.instructor).post(`/api/v1/courses/${courseId}/quizzes`, { title: "CSV", items: [{ exercise: "bernoulli-mle" }] }).expect(201)).body.id;
  const { joinCode } = (await as(t.app, tok.instructor).post(`/api/v1/quizzes/${quizId}/start`).expect(200)).body;
  await as(t.app, tok.instructor).post(`/api/v1/quizzes/${quizId}/next`).expect(200);
  const answers = ["0.5", "+0.75", "-0.25", "0.125"];
  for (const [i, s] of students.entries()) {
    const token = (await request(t.app).post("/api/v1/tokens").send({ email: s.email, password: s.password }).expect(201)).body.token as string;
    await as(t.app, token).post("/api/v1/quiz-join", { code: joinCode }).expect(200);
    await as(t.app, token).post(`/api/v1/quizzes/${quizId}/answers`, { index: 0, answers: { theta: answers[i] } }).expect(201);
  }
  const instructor = await signInAgent(t.app, "instructor@example.edu", PASSWORD);
  const csv = await instructor.get(`/quizzes/${quizId}/results.csv`).expect(200);
  const rows = csvRows(csv.text);
  const dangerous = rows.flat().filter((cell) => /^[=+\-@\t\r]/.test(cell));
  expect(dangerous).toEqual([]);
  const byEmail = new Map(rows.map((r) => [r[1], r]));
  for (const [i, s] of students.entries()) {
    expect(byEmail.get(s.email)![2]).toBe(`'${s.name}`);
    expect(byEmail.get(s.email)![3]).toBe(/^[+-]/.test(answers[i]!) ? `'${answers[i]}` : answers[i]);
  }
});
