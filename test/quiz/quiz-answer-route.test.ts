/**
 * POST /api/v1/quizzes/:id/answers runs ahead of the general middleware stack (src/web/app.ts):
 * it must still answer as the API does. Security headers, body before token, bounds, immediate
 * revocation, the request log's line and route label, and a re-sent answer (no longer read before
 * grading: the insert's unique key catches it).
 */
import { Writable } from "node:stream";
import request from "supertest";
import { createLogger } from "../../src/ops/logger";
import { createApp } from "../../src/web/app";
import { allTokens, as, twoCourses, type Tokens } from "../support/fixtures";
import { createTestApp, type TestApp } from "../support/test-app";

let t: TestApp;
let tok: Tokens;
let courseId: number;
const lines: Record<string, unknown>[] = [];
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  t = await createTestApp({ LIKELY_SUBMIT_LIMIT_PER_MINUTE: "0" });
  ({ courseId } = await twoCourses(t.db));
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString("utf8")) as Record<string, unknown>);
      done();
    },
  });
  app = createApp({ db: t.db, config: t.config, logger: createLogger({ level: "info", format: "json", destination }) });
  tok = await allTokens(app);
});
afterAll(async () => {
  await new Promise((r) => setTimeout(r, 400)); // throttled quiz count updates
  await t.close();
});

async function runningQuiz(): Promise<{ quizId: number; code: string }> {
  const quizId = (await as(app, tok.instructor).post(`/api/v1/courses/${courseId}/quizzes`, { title: "Lean", items: [{ exercise: "bernoulli-mle" }] }).expect(201)).body.id;
  const { joinCode } = (await as(app, tok.instructor).post(`/api/v1/quizzes/${quizId}/start`).expect(200)).body;
  await as(app, tok.instructor).post(`/api/v1/quizzes/${quizId}/next`).expect(200);
  return { quizId, code: joinCode };
}

/** Response headers that do not vary with the body or the request. */
function fixedHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (!["date", "etag", "content-length", "x-request-id", "connection", "keep-alive"].includes(k)) out[k] = v;
  return out;
}

test("answers carry the same headers as the rest of the API, and a re-sent answer is acknowledged as stored", async () => {
  const { quizId, code } = await runningQuiz();
  await as(app, tok.student1).post("/api/v1/quiz-join", { code }).expect(200);
  const current = await as(app, tok.student1).get(`/api/v1/quizzes/${quizId}/current`).expect(200);
  const first = await as(app, tok.student1).post(`/api/v1/quizzes/${quizId}/answers`, { index: 0, answers: { theta: "0.5" } }).expect(201);
  expect(first.body).toMatchObject({ accepted: true, index: 0 });
  const { "cache-control": noStore, ...currentHeaders } = fixedHeaders(current.headers);
  expect(noStore).toBe("no-store"); // set by that route itself
  expect(fixedHeaders(first.headers)).toEqual(currentHeaders);
  expect(first.headers["content-security-policy"]).toMatch(/default-src 'self'/);
  expect(first.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  // The same answer again: the stored acknowledgement (its time), nothing stored twice; another: 409.
  const again = await as(app, tok.student1).post(`/api/v1/quizzes/${quizId}/answers`, { index: 0, answers: { theta: "0.5" } }).expect(201);
  expect(again.body).toEqual(first.body);
  const other = await as(app, tok.student1).post(`/api/v1/quizzes/${quizId}/answers`, { index: 0, answers: { theta: "0.25" } }).expect(409);
  expect(other.body.error).toMatch(/already answered/);
  // Unreadable after a stored answer: the stored one stands, as before ("already answered").
  const unreadable = await as(app, tok.student1).post(`/api/v1/quizzes/${quizId}/answers`, { index: 0, answers: { theta: "abc" } }).expect(409);
  expect(unreadable.body.error).toMatch(/already answered/);
  expect(await t.db.quizResponse.count({ where: { quizId } })).toBe(1);
  expect(await t.db.quizUnreadableAnswer.count()).toBe(0);
});

test("the body is read and bounded before the token is checked, as on every API route", async () => {
  const { quizId, code } = await runningQuiz();
  await as(app, tok.student2).post("/api/v1/quiz-join", { code }).expect(200);
  const url = `/api/v1/quizzes/${quizId}/answers`;
  const notJson = await request(app).post(url).set("Content-Type", "application/json").send("{not json");
  expect([notJson.status, notJson.body.error]).toEqual([400, "request body is not valid JSON"]);
  const tooBig = await request(app).post(url).set("Content-Type", "application/json").send(JSON.stringify({ index: 0, answers: { theta: "1".repeat(1_100_000) } }));
  expect([tooBig.status, tooBig.body.error]).toEqual([413, "request body too large (limit 1048576 bytes)"]);
  const deep = await request(app).post(url).set("Content-Type", "application/json").send(`{"index":0,"answers":{"theta":${"[".repeat(100)}1${"]".repeat(100)}}}`);
  expect(deep.status).toBe(400);
  expect(deep.body.error).toMatch(/nested too deeply/);
  const noToken = await request(app).post(url).send({ index: 0, answers: { theta: "0.5" } });
  expect(noToken.status).toBe(401);
  expect(noToken.body.error).toMatch(/Authorization header/);
  // Other methods on the path fall through to the API, which knows no such route.
  expect((await as(app, tok.student2).get(url)).status).toBe(404);
  // A cookie is no credential on the API.
  expect((await request(app).post(url).set("Cookie", "likely_sid=" + "c".repeat(43)).send({ index: 0, answers: { theta: "0.5" } })).status).toBe(401);
  // Bad input after the token: 400 naming the field.
  const badIndex = await as(app, tok.student2).post(url, { index: -1, answers: { theta: "0.5" } });
  expect(badIndex.status).toBe(400);
  expect(badIndex.body.error).toMatch(/^index: /);
});

test("a revoked token is refused on the very next answer", async () => {
  const { quizId, code } = await runningQuiz();
  const token = (await request(app).post("/api/v1/tokens").send({ email: "student3@example.edu", password: "demo-password-123" }).expect(201)).body.token as string;
  await as(app, token).post("/api/v1/quiz-join", { code }).expect(200);
  await as(app, token).get(`/api/v1/quizzes/${quizId}/current`).expect(200); // the token is now cached
  await request(app).delete("/api/v1/tokens/current").set("Authorization", `Bearer ${token}`).expect(204);
  const refused = await as(app, token).post(`/api/v1/quizzes/${quizId}/answers`, { index: 0, answers: { theta: "0.5" } });
  expect(refused.status).toBe(401);
  expect(await t.db.quizResponse.count({ where: { quizId } })).toBe(0);
});

test("each answer request has its log line with the route template and the user; refusals before the route are 'unmatched'", async () => {
  const { quizId, code } = await runningQuiz();
  await as(app, tok.student2).post("/api/v1/quiz-join", { code }).expect(200);
  lines.length = 0;
  const url = `/api/v1/quizzes/${quizId}/answers`;
  await as(app, tok.student2).post(url, { index: 0, answers: { theta: "0.75" } }).expect(201);
  await request(app).post(url).set("Content-Type", "application/json").send("{not json").expect(400);
  await request(app).post(url).send({ index: 0, answers: {} }).expect(401);
  await as(app, tok.student2).post(`/api/v1/quizzes/99999999/answers`, { index: 0, answers: { theta: "0.75" } }).expect(404);
  const student2 = (await as(app, tok.student2).get("/api/v1/me").expect(200)).body.id as number;
  const seen = lines.filter((l) => String(l.path).endsWith("/answers")).map((l) => [l.route, l.status, l.userId]);
  expect(seen).toEqual([
    ["/api/v1/quizzes/:id/answers", 201, student2],
    ["unmatched", 400, null],
    ["unmatched", 401, null],
    ["/api/v1/quizzes/:id/answers", 404, student2],
  ]);
});
