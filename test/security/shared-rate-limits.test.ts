/**
 * Finding 24: rate limits were counted per route (5 failed sign-ins on the API and 5 more on the
 * page; 120 submissions on the API and more through the form). One limit per account and address,
 * whatever the door.
 */
import request from "supertest";
import { MemoryRateLimitState } from "../../src/rate-limits/state";
import { allTokens, as, PASSWORD, twoCourses, type Tokens } from "../support/fixtures";
import { createTestApp, csrfFrom, signInAgent, type TestApp } from "../support/test-app";

const SUBMIT_LIMIT = 4;
let t: TestApp;
let tok: Tokens;
let courseId: number;

beforeAll(async () => {
  t = await createTestApp({ LIKELY_SUBMIT_LIMIT_PER_MINUTE: String(SUBMIT_LIMIT) });
  ({ courseId } = await twoCourses(t.db));
  tok = await allTokens(t.app);
});
afterAll(() => t.close());

async function pageSignIn(email: string, password: string, address = "10.0.0.1") {
  const agent = request.agent(t.app);
  const csrf = csrfFrom((await agent.get("/signin").expect(200)).text);
  return agent.post("/signin").set("X-Forwarded-For", address).set("Accept", "text/html").type("form").send({ email, password, _csrf: csrf });
}
const apiSignIn = (email: string, password: string, address = "10.0.0.1") => request(t.app).post("/api/v1/tokens").set("X-Forwarded-For", address).send({ email, password });

test("failed sign-ins on the API and the page count together: the 6th is refused at either door", async () => {
  const email = "student2@example.edu";
  for (let i = 0; i < 3; i++) await apiSignIn(email, `wrong-${i}`).expect(401);
  for (let i = 0; i < 2; i++) expect((await pageSignIn(email.toUpperCase(), `wrong-page-${i}`)).status).toBe(401);
  const page = await pageSignIn(email, PASSWORD);
  expect(page.status).toBe(429);
  expect(page.text).toContain("Too many sign-in attempts");
  expect((await apiSignIn(email, PASSWORD)).status).toBe(429);
  // Per account and address: the same account from another address, and another account from this one, are not held back.
  await apiSignIn(email, PASSWORD, "10.0.0.2").expect(201);
  await apiSignIn("student3@example.edu", PASSWORD).expect(201);
  expect((await pageSignIn("student3@example.edu", PASSWORD)).status).toBe(303);
});

test("graded submissions through the API and the form count against one per-user limit", async () => {
  const { id: assignmentId } = (await as(t.app, tok.instructor).post(`/api/v1/courses/${courseId}/assignments`, { title: "Limits", kind: "homework", items: [{ exercise: "gaussian-mle" }] }).expect(201)).body;
  const item = (await as(t.app, tok.student1).get(`/api/v1/assignments/${assignmentId}`).expect(200)).body.items[0];
  const page = await signInAgent(t.app, "student1@example.edu", PASSWORD);
  const url = `/assignments/${assignmentId}/items/${item.itemId}`;
  const viaForm = async () => {
    const html = (await page.get(url).expect(200)).text;
    return page.post(url).type("form").set("Accept", "text/html").send({ _csrf: csrfFrom(html), part_mean: "1", part_variance: "2" });
  };
  const viaApi = () => as(t.app, tok.student1).post(`/api/v1/variants/${item.variantId}/submissions`, { answers: { mean: "1", variance: "2" } });
  for (let i = 0; i < SUBMIT_LIMIT / 2; i++) await viaApi().expect(201);
  for (let i = 0; i < SUBMIT_LIMIT / 2; i++) expect((await viaForm()).status).toBe(303);
  const form = await viaForm();
  expect(form.status).toBe(429);
  expect(form.text).toMatch(/Too many submissions/);
  expect((await viaApi()).status).toBe(429);
  expect(await t.db.submission.count({ where: { variantId: item.variantId } })).toBe(SUBMIT_LIMIT);
  // Another student is not held back.
  const other = (await as(t.app, tok.student2).get(`/api/v1/assignments/${assignmentId}`).expect(200)).body.items[0];
  await as(t.app, tok.student2).post(`/api/v1/variants/${other.variantId}/submissions`, { answers: { mean: "1", variance: "2" } }).expect(201);
});

test("the memory state: fixed windows per key, undo within the window, reset", async () => {
  let now = 1_000_000;
  const state = new MemoryRateLimitState(() => now);
  expect(await state.hit("a", 60_000)).toEqual({ hits: 1, resetAt: new Date(1_060_000) });
  expect((await state.hit("a", 60_000)).hits).toBe(2);
  expect((await state.hit("b", 60_000)).hits).toBe(1);
  await state.undo("a");
  expect((await state.hit("a", 60_000)).hits).toBe(2);
  now += 60_000;
  expect(await state.hit("a", 60_000)).toEqual({ hits: 1, resetAt: new Date(1_120_000) });
  await state.reset("a");
  expect((await state.hit("a", 60_000)).hits).toBe(1);
});

test("wrong join codes count per user over the course page and both quiz doors; the 11th try is refused", async () => {
  const { joinCode } = (await t.db.course.findUniqueOrThrow({ where: { id: courseId } }));
  const page = await signInAgent(t.app, "other.student@example.edu", PASSWORD);
  const csrf = csrfFrom((await page.get("/assignments").expect(200)).text);
  for (let i = 0; i < 4; i++) expect((await page.post("/join").type("form").set("Accept", "text/html").send({ _csrf: csrf, code: `WRONG${i}` })).status).toBe(404);
  for (let i = 0; i < 3; i++) expect((await page.post("/quiz/join").type("form").set("Accept", "text/html").send({ _csrf: csrf, code: `NOPE${i}X` })).status).toBe(404);
  for (let i = 0; i < 3; i++) expect((await as(t.app, tok.otherStudent).post("/api/v1/quiz-join", { code: `NADA${i}X` })).status).toBe(404);
  const right = await page.post("/join").type("form").set("Accept", "text/html").send({ _csrf: csrf, code: joinCode });
  expect(right.status).toBe(429);
  expect(right.text).toMatch(/Too many wrong join codes/);
  expect((await as(t.app, tok.otherStudent).post("/api/v1/quiz-join", { code: "ABCDEF" })).status).toBe(429);
  // Not enrolled by the refused try; another student joins at once.
  expect(await t.db.enrollment.count({ where: { courseId, user: { email: "other.student@example.edu" } } })).toBe(0);
  const other = await signInAgent(t.app, "student3@example.edu", PASSWORD);
  expect((await other.post("/join").type("form").send({ _csrf: csrfFrom((await other.get("/assignments").expect(200)).text), code: joinCode })).status).toBe(303);
});
