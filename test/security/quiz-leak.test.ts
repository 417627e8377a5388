/**
 * Answer-leak scan of the live quiz: while a question is open, nothing a student's phone can fetch
 * (page, state JSON, API, the event stream, the answer acknowledgement) contains its key.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { allTokens, as, PASSWORD, twoCourses, type Tokens } from "../support/fixtures";
import type { Shape } from "../../src/grading";
import { fillerAnswers } from "../support/answers";
import { leakedForms } from "../support/key-leak";
import request from "supertest";
import { createTestApp, csrfFrom, type TestApp } from "../support/test-app";

/** A signed-in browser's session cookie, to replay on plain requests and on the event stream. */
async function sessionCookie(email: string): Promise<string> {
  const page = await request(t.app).get("/signin");
  const csrf = ((page.headers["set-cookie"] as unknown as string[]) ?? []).map((c) => c.split(";")[0]).join("; ");
  const res = await request(t.app).post("/signin").set("Cookie", csrf).type("form").send({ email, password: PASSWORD, _csrf: csrfFrom(page.text) });
  return ((res.headers["set-cookie"] as unknown as string[]) ?? []).find((c) => c.startsWith("likely_sid="))!.split(";")[0]!;
}

let t: TestApp;
let tok: Tokens;
let courseId: number;
let server: http.Server;
let base: string;

beforeAll(async () => {
  t = await createTestApp({ LIKELY_SUBMIT_LIMIT_PER_MINUTE: "0" });
  ({ courseId } = await twoCourses(t.db));
  tok = await allTokens(t.app);
  server = t.app.listen(0);
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await t.close();
});

/** What the event stream sends in its first moments (then the connection is dropped). */
function readStream(path: string, cookie: string, ms = 400): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    const req = http.get(base + path, { headers: { Cookie: cookie, Accept: "text/event-stream" } }, (res) => {
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
    });
    req.on("error", () => resolve(text));
    setTimeout(() => {
      req.destroy();
      resolve(text);
    }, ms);
  });
}

const EXERCISES = ["gaussian-mle", "bernoulli-mle", "em-iteration", "e-step", "gmm-known-labels", "gaussian-density", "mixture-log-likelihood"];

test.each([true, false])("shared data %s: no key while a question is open", async (sharedData) => {
  const quiz = await as(t.app, tok.instructor).post(`/api/v1/courses/${courseId}/quizzes`, { title: `Leak ${sharedData}`, items: EXERCISES.map((exercise) => ({ exercise })), secondsPerQuestion: 600, sharedData }).expect(201);
  const id = quiz.body.id as number;
  const { joinCode } = (await as(t.app, tok.instructor).post(`/api/v1/quizzes/${id}/start`).expect(200)).body;
  await as(t.app, tok.student1).post("/api/v1/quiz-join", { code: joinCode }).expect(200);
  const sid = await sessionCookie("student1@example.edu");
  const phone = { get: (path: string) => request(t.app).get(path).set("Cookie", sid) };
  const found: string[] = [];

  for (let index = 0; index < EXERCISES.length; index++) {
    await as(t.app, tok.instructor).post(`/api/v1/quizzes/${id}/next`).expect(200);
    const responses: [string, string][] = [
      ["page", (await phone.get(`/quiz/${id}`).expect(200)).text],
      ["state", (await phone.get(`/quiz/${id}/state`).expect(200)).text],
      ["api current", (await as(t.app, tok.student1).get(`/api/v1/quizzes/${id}/current`).expect(200)).text],
      ["events", await readStream(`/quiz/${id}/events`, sid)],
    ];
    const current = JSON.parse(responses[2]![1]) as { parts: { name: string; shape: Shape }[] };
    const answers = fillerAnswers(current.parts);
    responses.push(["answer ack", (await as(t.app, tok.student1).post(`/api/v1/quizzes/${id}/answers`, { index, answers }).expect(201)).text]);
    responses.push(["state after answering", (await phone.get(`/quiz/${id}/state`).expect(200)).text]);

    const variant = await t.db.variant.findFirstOrThrow({ where: { quizItem: { quizId: id, position: index }, ...(sharedData ? {} : { user: { email: "student1@example.edu" } }) } });
    const key = JSON.parse(variant.key) as Record<string, unknown>;
    for (const [what, text] of responses) for (const f of leakedForms(text, key, JSON.parse(variant.data))) found.push(`${EXERCISES[index]} ${what}: ${f}`);
    expect(responses[3]![1].length).toBeGreaterThan(0); // the stream did answer
    await as(t.app, tok.instructor).post(`/api/v1/quizzes/${id}/reveal`).expect(200);
  }
  expect(found).toEqual([]);
  await as(t.app, tok.instructor).post(`/api/v1/quizzes/${id}/end`).expect(200);
}, 60_000);
