import http from "node:http";
import type { AddressInfo } from "node:net";
import request from "supertest";
import { createVariant, variantMistakes } from "../../exercises";
import { openDb } from "../../src/db/client";
import { insertCourse } from "../../src/db/courses";
import { selectOptionalQuiz, selectOptionalQuizVariant, selectQuizScores, updateQuizClosesAt } from "../../src/db/quizzes";
import { insertUser } from "../../src/db/users";
import { hashPassword } from "../../src/auth/passwords";
import { buildGradebook } from "../../src/homework/gradebook";
import { quizGradebookColumns } from "../../src/quiz/gradebook-columns";
import { toVariantRecord } from "../../src/quiz/variants";
import { createDemoData } from "../../src/seed/demo";
import { createApp } from "../../src/web/app";
import { createTestApp, signInAgent, tokenFor, type TestApp } from "../support/test-app";

const PASSWORD = "demo-password-123";
let t: TestApp;
let courseId: number;
const tokens: Record<string, string> = {};
const auth = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });

beforeAll(async () => {
  t = await createTestApp();
  const demo = await createDemoData(t.db, PASSWORD);
  if (!demo.created) throw new Error("demo data not created");
  courseId = demo.courseId;
  // An instructor of another course: every quiz of ML101 must look missing to them.
  const outsider = await insertUser(t.db, { email: "other@example.edu", name: "Other Teacher", role: "instructor", passwordHash: await hashPassword(PASSWORD) });
  await insertCourse(t.db, { code: "ST200", title: "Statistics", joinCode: "OTHER1" }, outsider.id);
  for (const who of ["instructor", "student1", "student2", "student3", "other"]) {
    tokens[who] = await tokenFor(t.app, `${who}@example.edu`, PASSWORD);
  }
});
// Let throttled count updates (250 ms) finish before the database goes away.
afterAll(async () => {
  await new Promise((r) => setTimeout(r, 400));
  await t.close();
});

async function createQuiz(body: Record<string, unknown>): Promise<number> {
  const res = await request(t.app).post(`/api/v1/courses/${courseId}/quizzes`).set(auth("instructor")).send(body);
  expect(res.status).toBe(201);
  return res.body.id as number;
}

/** The shared variant of question `index` with its key (test-only peek into the database). */
async function sharedVariant(quizId: number, index: number) {
  const quiz = (await selectOptionalQuiz(t.db, quizId))!;
  const v = (await selectOptionalQuizVariant(t.db, quiz.items[index]!.id, null))!;
  return toVariantRecord(v);
}

describe("creating quizzes", () => {
  test("validates the body and names the field", async () => {
    const url = `/api/v1/courses/${courseId}/quizzes`;
    const noTitle = await request(t.app).post(url).set(auth("instructor")).send({ items: [{ exercise: "gaussian-mle" }] }).expect(400);
    expect(noTitle.body.error).toMatch(/^title: /);
    const noItems = await request(t.app).post(url).set(auth("instructor")).send({ title: "Q", items: [] }).expect(400);
    expect(noItems.body.error).toMatch(/^items: /);
    const unknown = await request(t.app).post(url).set(auth("instructor")).send({ title: "Q", items: [{ exercise: "nope" }] }).expect(400);
    expect(unknown.body.error).toMatch(/^items\.0\.exercise: unknown exercise "nope"/);
    const badParam = await request(t.app).post(url).set(auth("instructor")).send({ title: "Q", items: [{ exercise: "gaussian-mle", params: { n: 1 } }] }).expect(400);
    expect(badParam.body.error).toMatch(/^items\.0\.params: parameter "n"/);
    const seconds = await request(t.app).post(url).set(auth("instructor")).send({ title: "Q", items: [{ exercise: "gaussian-mle" }], secondsPerQuestion: 1.5 }).expect(400);
    expect(seconds.body.error).toMatch(/^secondsPerQuestion: /);
  });

  test("students and other instructors get the same 404 as a missing course", async () => {
    const body = { title: "Q", items: [{ exercise: "gaussian-mle" }] };
    const student = await request(t.app).post(`/api/v1/courses/${courseId}/quizzes`).set(auth("student1")).send(body).expect(404);
    const other = await request(t.app).post(`/api/v1/courses/${courseId}/quizzes`).set(auth("other")).send(body).expect(404);
    const missing = await request(t.app).post(`/api/v1/courses/999999/quizzes`).set(auth("instructor")).send(body).expect(404);
    expect(student.body).toEqual(missing.body);
    expect(other.body).toEqual(missing.body);
    await request(t.app).post(`/api/v1/courses/${courseId}/quizzes`).send(body).expect(401);
  });

  test("quiz-sized defaults and one shared variant per question", async () => {
    const id = await createQuiz({ title: "Sizes", items: [{ exercise: "gaussian-mle" }, { exercise: "spherical-gaussian-mle", params: { n: 5 } }] });
    const quiz = (await selectOptionalQuiz(t.db, id))!;
    expect(quiz.items.map((i) => i.params)).toEqual([{ n: 6 }, { n: 5, d: 1 }]);
    expect(quiz.secondsPerQuestion).toBe(60);
    expect(quiz.sharedData).toBe(true);
    for (const item of quiz.items) expect(await selectOptionalQuizVariant(t.db, item.id, null)).not.toBeNull();
  });
});

describe("running a quiz", () => {
  let quizId: number;
  let code: string;

  beforeAll(async () => {
    quizId = await createQuiz({ title: "Live", items: [{ exercise: "gaussian-mle" }, { exercise: "bernoulli-mle" }], secondsPerQuestion: 60 });
  });

  test("controls are the course instructor's only; others get 404 like a missing quiz", async () => {
    const missing = await request(t.app).post(`/api/v1/quizzes/999999/start`).set(auth("instructor")).expect(404);
    for (const who of ["student1", "other"]) {
      for (const action of ["start", "next", "reveal", "end"]) {
        const res = await request(t.app).post(`/api/v1/quizzes/${quizId}/${action}`).set(auth(who)).expect(404);
        expect(res.body).toEqual(missing.body);
      }
      const results = await request(t.app).get(`/api/v1/quizzes/${quizId}/results`).set(auth(who)).expect(404);
      expect(results.body).toEqual(missing.body);
    }
    const early = await request(t.app).post(`/api/v1/quizzes/${quizId}/next`).set(auth("instructor")).expect(409);
    expect(early.body.error).toBe("start the quiz first");
  });

  test("start gives a join code; students of the course join with it", async () => {
    const start = await request(t.app).post(`/api/v1/quizzes/${quizId}/start`).set(auth("instructor")).expect(200);
    code = start.body.joinCode;
    expect(code).toMatch(/^[A-Z0-9]{6}$/);
    const again = await request(t.app).post(`/api/v1/quizzes/${quizId}/start`).set(auth("instructor")).expect(200);
    expect(again.body.joinCode).toBe(code);

    await request(t.app).get(`/api/v1/quizzes/${quizId}/current`).set(auth("student1")).expect(404); // not joined yet
    const unknown = await request(t.app).post("/api/v1/quiz-join").set(auth("student1")).send({ code: "ZZZZZZ" }).expect(404);
    expect(unknown.body).toEqual({ error: "quiz not found" });
    const bad = await request(t.app).post("/api/v1/quiz-join").set(auth("student1")).send({ code: "no!" }).expect(400);
    expect(bad.body.error).toMatch(/^code: /);
    await request(t.app).post("/api/v1/quiz-join").set(auth("other")).send({ code }).expect(404);
    await request(t.app).post("/api/v1/quiz-join").set(auth("instructor")).send({ code }).expect(404);
    for (const who of ["student1", "student2", "student3"]) {
      const res = await request(t.app).post("/api/v1/quiz-join").set(auth(who)).send({ code: code.toLowerCase() }).expect(200);
      expect(res.body).toEqual({ quizId });
    }
    const current = await request(t.app).get(`/api/v1/quizzes/${quizId}/current`).set(auth("student1")).expect(200);
    expect(current.body).toMatchObject({ state: "waiting", index: -1, total: 2, prompt: null, parts: null, closesAt: null });
  });

  test("next opens a question; current never carries the key before the reveal", async () => {
    const before = Date.now();
    const next = await request(t.app).post(`/api/v1/quizzes/${quizId}/next`).set(auth("instructor")).expect(200);
    expect(next.body.index).toBe(0);
    const closesAt = Date.parse(next.body.closesAt);
    expect(closesAt).toBeGreaterThanOrEqual(before + 60_000);
    expect(closesAt).toBeLessThanOrEqual(Date.now() + 60_000);

    const res = await request(t.app).get(`/api/v1/quizzes/${quizId}/current`).set(auth("student1")).expect(200);
    expect(res.body).toMatchObject({ state: "asking", index: 0, exercise: "gaussian-mle", closesAt: next.body.closesAt, key: null, result: null, answer: null });
    expect(res.body.prompt).toContain("<");
    expect(res.body.parts.map((p: { name: string }) => p.name)).toEqual(["mean", "variance"]);
    expect(res.body.data).toEqual((await sharedVariant(quizId, 0)).data);
    expect(Math.abs(Date.parse(res.body.serverTime) - Date.now())).toBeLessThan(5000);
    const text = JSON.stringify(res.body);
    expect(text).not.toMatch(/"(key|solution)":\{/);
    const v = await sharedVariant(quizId, 0);
    for (const value of Object.values(v.key)) {
      const s = String(value);
      if (s.replace(/[^0-9]/g, "").length >= 8) expect(text).not.toContain(s);
    }
  });

  test("answers: stored once, re-send acknowledged, a different second answer refused, unreadable explained", async () => {
    const v = await sharedVariant(quizId, 0);
    const right = { mean: String(v.key.mean), variance: String(v.key.variance) };
    const url = `/api/v1/quizzes/${quizId}/answers`;
    const first = await request(t.app).post(url).set(auth("student1")).send({ index: 0, answers: right }).expect(201);
    expect(first.body).toMatchObject({ accepted: true, index: 0 });
    const resend = await request(t.app).post(url).set(auth("student1")).send({ index: 0, answers: right }).expect(201);
    expect(resend.body).toEqual(first.body);
    const changed = await request(t.app).post(url).set(auth("student1")).send({ index: 0, answers: { mean: "1", variance: "1" } }).expect(409);
    expect(changed.body.error).toMatch(/already answered/);
    expect(await t.db.quizResponse.count({ where: { quizId, userId: first.body && undefined } })).toBe(1);

    const unreadable = await request(t.app).post(url).set(auth("student2")).send({ index: 0, answers: { mean: "1,5", variance: "" } }).expect(422);
    expect(unreadable.body.error).toMatch(/could not be read/);
    expect(Object.keys(unreadable.body.parts).sort()).toEqual(["mean", "variance"]);
    expect(unreadable.body.parts.mean).toMatch(/dot/);
    expect(await t.db.quizResponse.count({ where: { quizId } })).toBe(1);

    // A diagnosed mistake (dividing by n - 1, or another the exercise knows).
    const mistake = variantMistakes(v).find((m) => m.answers.variance !== undefined)!;
    expect(mistake).toBeDefined();
    const wrong = { mean: String(v.key.mean), variance: String(mistake.answers.variance) };
    await request(t.app).post(url).set(auth("student2")).send({ index: 0, answers: wrong }).expect(201);

    const notCurrent = await request(t.app).post(url).set(auth("student3")).send({ index: 1, answers: { theta: "0.5" } }).expect(409);
    expect(notCurrent.body.error).toMatch(/not the current question/);
    const badBody = await request(t.app).post(url).set(auth("student3")).send({ index: "0", answers: {} }).expect(400);
    expect(badBody.body.error).toMatch(/^index: /);
    await request(t.app).post(url).set(auth("instructor")).send({ index: 0, answers: right }).expect(404);
  });

  test("a late answer is refused by the server's clock, even by a second process on the same database", async () => {
    await updateQuizClosesAt(t.db, quizId, new Date(Date.now() - 1));
    const v = await sharedVariant(quizId, 0);
    const right = { mean: String(v.key.mean), variance: String(v.key.variance) };
    const late = await request(t.app).post(`/api/v1/quizzes/${quizId}/answers`).set(auth("student3")).send({ index: 0, answers: right }).expect(409);
    expect(late.body.error).toMatch(/time is up/);

    const db2 = await openDb({ url: t.config.databaseUrl, synchronous: "NORMAL" });
    try {
      const app2 = createApp({ db: db2, config: t.config });
      const late2 = await request(app2).post(`/api/v1/quizzes/${quizId}/answers`).set(auth("student3")).send({ index: 0, answers: right }).expect(409);
      expect(late2.body.error).toMatch(/time is up/);
      const current = await request(app2).get(`/api/v1/quizzes/${quizId}/current`).set(auth("student3")).expect(200);
      expect(current.body.state).toBe("closed");
      expect(current.body.key).toBeNull();
    } finally {
      await db2.$disconnect();
    }
    // Still stored once each: student1 and student2.
    expect(await t.db.quizResponse.count({ where: { quizId } })).toBe(2);
  });

  test("reveal: results with histogram and mistake groups; students see their own result and the key", async () => {
    await request(t.app).post(`/api/v1/quizzes/${quizId}/reveal`).set(auth("instructor")).expect(200);
    const v = await sharedVariant(quizId, 0);
    const results = await request(t.app).get(`/api/v1/quizzes/${quizId}/results`).set(auth("instructor")).expect(200);
    const q0 = results.body.questions[0];
    expect(q0).toMatchObject({ index: 0, responses: 2, correct: 1, shareCorrect: 0.5 });
    expect(q0.histogram).toMatchObject({ part: "mean", mode: "value", correct: v.key.mean });
    expect(q0.histogram.values).toHaveLength(2);
    expect(q0.groups.find((g: { kind: string }) => g.kind === "correct").count).toBe(1);
    expect(q0.groups.filter((g: { kind: string }) => g.kind === "mistake").map((g: { count: number }) => g.count)).toEqual([1]);
    expect(q0.groups.find((g: { kind: string }) => g.kind === "unreadable").count).toBe(0); // student2 answered after all
    expect(results.body.questions[1]).toMatchObject({ index: 1, responses: 0, asked: false });

    const s1 = await request(t.app).get(`/api/v1/quizzes/${quizId}/current`).set(auth("student1")).expect(200);
    expect(s1.body.state).toBe("revealed");
    expect(s1.body.result).toMatchObject({ score: 1 });
    expect(s1.body.key).toEqual(v.key);
    const s2 = await request(t.app).get(`/api/v1/quizzes/${quizId}/current`).set(auth("student2")).expect(200);
    expect(s2.body.result.score).toBe(0.5);
    expect(s2.body.result.parts.find((p: { name: string }) => p.name === "variance")).toMatchObject({ correct: false });
    const s3 = await request(t.app).get(`/api/v1/quizzes/${quizId}/current`).set(auth("student3")).expect(200);
    expect(s3.body.result).toBeNull();

    const after = await request(t.app).post(`/api/v1/quizzes/${quizId}/answers`).set(auth("student3")).send({ index: 0, answers: { mean: "1", variance: "1" } }).expect(409);
    expect(after.body.error).toMatch(/closed/);
  });

  test("end: answers refused; quiz scores for the gradebook", async () => {
    await request(t.app).post(`/api/v1/quizzes/${quizId}/next`).set(auth("instructor")).expect(200);
    await request(t.app).post(`/api/v1/quizzes/${quizId}/end`).set(auth("instructor")).expect(200);
    const late = await request(t.app).post(`/api/v1/quizzes/${quizId}/answers`).set(auth("student1")).send({ index: 1, answers: { theta: "0.5" } }).expect(409);
    expect(late.body.error).toMatch(/ended/);
    const again = await request(t.app).post(`/api/v1/quizzes/${quizId}/next`).set(auth("instructor")).expect(409);
    expect(again.body.error).toBe("the quiz has ended");
    const s1 = await request(t.app).get(`/api/v1/quizzes/${quizId}/current`).set(auth("student1")).expect(200);
    expect(s1.body).toMatchObject({ state: "ended", summary: { earned: 1, points: 2, answered: 1 } });

    const { quizzes, scores } = await selectQuizScores(t.db, courseId);
    const column = quizzes.find((q) => q.id === quizId)!;
    expect(column).toEqual({ id: quizId, title: "Live", points: 2 });
    const ids = Object.fromEntries((await t.db.user.findMany({ select: { id: true, email: true } })).map((u) => [u.email.split("@")[0], u.id]));
    const col = scores.get(quizId)!;
    expect(col.get(ids.student1!)).toBe(1);
    expect(col.get(ids.student2!)).toBe(0.5);
    expect(col.get(ids.student3!)).toBe(0); // joined, answered nothing in time
    expect(col.has(ids.instructor!)).toBe(false);

    // The same through the gradebook's extra-columns hook.
    const extra = await quizGradebookColumns(t.db, courseId);
    expect(extra.columns.find((c) => c.id === quizId)).toEqual({ id: quizId, key: `quiz-${quizId}`, title: "Live", points: 2, kind: "quiz" });
    const book = await buildGradebook(t.db, courseId, extra);
    const row = (email: string) => book.students.find((s) => s.email === email)!;
    expect(row("student1@example.edu").scores[`quiz-${quizId}`]).toBe(1);
    expect(row("student2@example.edu").scores[`quiz-${quizId}`]).toBe(0.5);
  });

  test("CSV export and the results page (instructor pages)", async () => {
    const agent = await signInAgent(t.app, "instructor@example.edu", PASSWORD);
    const csv = await agent.get(`/quizzes/${quizId}/results.csv`).expect(200);
    expect(csv.headers["content-type"]).toMatch(/^text\/csv/);
    const lines = csv.text.replace(/^\uFEFF/, "").trim().split("\r\n");
    expect(lines[0]).toBe("question,student email,name,answer,correct,score,mistake");
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^1\. .*,student1@example\.edu,Sam Student,.*,yes,1,$/);
    expect(lines[2]).toMatch(/student2@example\.edu.*,partly,0\.5,variance: /);
    const page = await agent.get(`/quizzes/${quizId}/results`).expect(200);
    expect(page.text).toContain("student2@example.edu");
    expect(page.text).toContain("likely-histogram");

    const student = await signInAgent(t.app, "student1@example.edu", PASSWORD);
    await student.get(`/quizzes/${quizId}/results.csv`).set("Accept", "text/html").expect(404);
    await student.get(`/quizzes/${quizId}/present`).set("Accept", "text/html").expect(404);
  });
});

describe("personal variants", () => {
  test("each student gets their own variant: drawn when the question opens, or on a late joiner's first view", async () => {
    const id = await createQuiz({ title: "Personal", items: [{ exercise: "bernoulli-mle" }], sharedData: false, secondsPerQuestion: 30 });
    const quiz = (await selectOptionalQuiz(t.db, id))!;
    expect(await selectOptionalQuizVariant(t.db, quiz.items[0]!.id, null)).toBeNull();
    const { body } = await request(t.app).post(`/api/v1/quizzes/${id}/start`).set(auth("instructor")).expect(200);
    for (const who of ["student1", "student2"]) await request(t.app).post("/api/v1/quiz-join").set(auth(who)).send({ code: body.joinCode }).expect(200);
    await request(t.app).post(`/api/v1/quizzes/${id}/next`).set(auth("instructor")).expect(200);
    expect(await t.db.variant.count({ where: { quizItemId: quiz.items[0]!.id } })).toBe(2); // one write for the class
    const a = await request(t.app).get(`/api/v1/quizzes/${id}/current`).set(auth("student1")).expect(200);
    const again = await request(t.app).get(`/api/v1/quizzes/${id}/current`).set(auth("student1")).expect(200);
    expect(again.body.data).toEqual(a.body.data);
    await request(t.app).get(`/api/v1/quizzes/${id}/current`).set(auth("student2")).expect(200);
    const owners = await t.db.variant.findMany({ where: { quizItemId: quiz.items[0]!.id }, select: { user: { select: { email: true } } } });
    expect(owners.map((o) => o.user!.email).sort()).toEqual(["student1@example.edu", "student2@example.edu"]);
    await request(t.app).post("/api/v1/quiz-join").set(auth("student3")).send({ code: body.joinCode }).expect(200);
    await request(t.app).get(`/api/v1/quizzes/${id}/current`).set(auth("student3")).expect(200);
    expect(await t.db.variant.count({ where: { quizItemId: quiz.items[0]!.id } })).toBe(3);

    const ids = Object.fromEntries((await t.db.user.findMany({ select: { id: true, email: true } })).map((u) => [u.email.split("@")[0], u.id]));
    const own = (await selectOptionalQuizVariant(t.db, quiz.items[0]!.id, ids.student1!))!;
    await request(t.app).post(`/api/v1/quizzes/${id}/answers`).set(auth("student1")).send({ index: 0, answers: { theta: String(own.key.theta) } }).expect(201);
    await request(t.app).post(`/api/v1/quizzes/${id}/reveal`).set(auth("instructor")).expect(200);
    const results = await request(t.app).get(`/api/v1/quizzes/${id}/results`).set(auth("instructor")).expect(200);
    expect(results.body.questions[0].histogram).toMatchObject({ mode: "error", correct: 0 });
    expect(results.body.questions[0].histogram.values[0]).toBeCloseTo(0, 12);
  });
});

describe("pages and their scripts' endpoints", () => {
  test("join by form, the phone page, its state and a CSRF-protected answer", async () => {
    const id = await createQuiz({ title: "Page quiz", items: [{ exercise: "bernoulli-mle" }] });
    const { body } = await request(t.app).post(`/api/v1/quizzes/${id}/start`).set(auth("instructor")).expect(200);
    const instructor = await signInAgent(t.app, "instructor@example.edu", PASSWORD);
    const present = await instructor.get(`/quizzes/${id}/present`).expect(200);
    expect(present.text).toContain(body.joinCode);
    expect(present.text).toContain('class="qr-code"');
    expect(present.text.replace(/&#x3D;/g, "=")).toContain(`/quiz?code=${body.joinCode}`);
    expect(present.text).toMatch(/<kbd>N<\/kbd>/);
    expect(present.text).not.toMatch(/<script>(?!<\/script>)|onclick=/);
    const list = await instructor.get(`/courses/${courseId}/quizzes`).expect(200);
    expect(list.text).toContain("Page quiz");
    const ownCode = await instructor.post("/quiz/join").type("form").send({ code: body.joinCode, _csrf: /name="_csrf" value="([^"]+)"/.exec(list.text)![1] }).expect(303);
    expect(ownCode.headers.location).toBe(`/quizzes/${id}/present`);

    const student = await signInAgent(t.app, "student3@example.edu", PASSWORD);
    await student.get(`/courses/${courseId}/quizzes`).set("Accept", "text/html").expect(404);
    const joinPage = await student.get(`/quiz?code=${body.joinCode}`).expect(200);
    expect(joinPage.text).toContain(`value="${body.joinCode}"`);
    const csrf = /name="csrf-token" content="([^"]+)"/.exec(joinPage.text)![1]!;
    const wrong = await student.post("/quiz/join").type("form").send({ code: "ZZZZZZ", _csrf: csrf }).expect(404);
    expect(wrong.text).toContain("No running quiz with the code ZZZZZZ");
    const joined = await student.post("/quiz/join").type("form").send({ code: body.joinCode, _csrf: csrf }).expect(303);
    expect(joined.headers.location).toBe(`/quiz/${id}`);
    const page = await student.get(`/quiz/${id}`).expect(200);
    expect(page.text).toContain("/static/js/quiz-student.js");

    await request(t.app).post(`/api/v1/quizzes/${id}/next`).set(auth("instructor")).expect(200);
    const state = await student.get(`/quiz/${id}/state`).set("Accept", "application/json").expect(200);
    expect(state.body).toMatchObject({ state: "asking", index: 0, key: null });
    const noCsrf = await student.post(`/quiz/${id}/answers`).set("Accept", "application/json").send({ index: 0, answers: { theta: "0.5" } });
    expect(noCsrf.status).toBe(403);
    const ok = await student.post(`/quiz/${id}/answers`).set("Accept", "application/json").set("x-csrf-token", csrf).send({ index: 0, answers: { theta: "0.5" } });
    expect(ok.status).toBe(201);
    const anonymous = await request(t.app).get(`/quiz/${id}/state`).set("Accept", "application/json").expect(401);
    expect(anonymous.body.error).toMatch(/sign in/);
  });

  test("the presenter's form controls work without scripts", async () => {
    const id = await createQuiz({ title: "Forms", items: [{ exercise: "bernoulli-mle" }] });
    const agent = await signInAgent(t.app, "instructor@example.edu", PASSWORD);
    const page = await agent.get(`/quizzes/${id}/present`).expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    const res = await agent.post(`/quizzes/${id}/start`).type("form").send({ _csrf: csrf }).expect(303);
    expect(res.headers.location).toBe(`/quizzes/${id}/present`);
    await agent.post(`/quizzes/${id}/next`).type("form").send({ _csrf: csrf }).expect(303);
    const refused = await agent.post(`/quizzes/${id}/next`).type("form").send({ _csrf: csrf }); // no second question
    expect(refused.status).toBe(303);
    const json = await agent.post(`/quizzes/${id}/next`).set("Accept", "application/json").set("x-csrf-token", csrf).expect(409);
    expect(json.body.error).toMatch(/no question 2/);
    expect((await selectOptionalQuiz(t.db, id))!.currentIndex).toBe(0);
  });

  test("the create form makes a quiz and explains a bad parameter", async () => {
    const agent = await signInAgent(t.app, "instructor@example.edu", PASSWORD);
    const page = await agent.get(`/courses/${courseId}/quizzes`).expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    const bad = await agent
      .post(`/courses/${courseId}/quizzes`)
      .type("form")
      .send({ _csrf: csrf, title: "Form quiz", secondsPerQuestion: "45", data: "personal", exercise1: "gaussian-mle", params1: "n=2" })
      .expect(400);
    expect(bad.text).toContain("items.0.params: parameter &quot;n&quot;");
    expect(bad.text).toContain('value="Form quiz"');
    const ok = await agent
      .post(`/courses/${courseId}/quizzes`)
      .type("form")
      .send({ _csrf: csrf, title: "Form quiz", secondsPerQuestion: "45", data: "personal", exercise1: "gaussian-mle", params1: "n=4", exercise2: "bernoulli-mle" })
      .expect(303);
    const id = Number(/\/quizzes\/(\d+)\/present/.exec(ok.headers.location)![1]);
    const quiz = (await selectOptionalQuiz(t.db, id))!;
    expect(quiz).toMatchObject({ title: "Form quiz", secondsPerQuestion: 45, sharedData: false });
    expect(quiz.items.map((i) => [i.exercise, i.params])).toEqual([
      ["gaussian-mle", { n: 4 }],
      ["bernoulli-mle", { n: 6 }],
    ]);
  });
});

describe("live events (Server-Sent Events)", () => {
  test("streams state changes with a retry hint; closed streams are dropped", async () => {
    const id = await createQuiz({ title: "Events", items: [{ exercise: "bernoulli-mle" }] });
    const { body } = await request(t.app).post(`/api/v1/quizzes/${id}/start`).set(auth("instructor")).expect(200);
    await request(t.app).post("/api/v1/quiz-join").set(auth("student1")).send({ code: body.joinCode }).expect(200);
    const server = http.createServer(t.app);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = (server.address() as AddressInfo).port;
    try {
      const stream = (who: string) =>
        new Promise<{ res: http.IncomingMessage; text: () => string }>((resolve, reject) => {
          const req = http.get({ host: "127.0.0.1", port, path: `/api/v1/quizzes/${id}/events`, headers: { ...auth(who), Accept: "text/event-stream" } }, (res) => {
            let buf = "";
            res.setEncoding("utf8");
            res.on("data", (c: string) => (buf += c));
            resolve({ res, text: () => buf });
          });
          req.on("error", reject);
        });
      const student = await stream("student1");
      const presenter = await stream("instructor");
      expect(student.res.statusCode).toBe(200);
      expect(student.res.headers["content-type"]).toMatch(/^text\/event-stream/);
      const outsider = await stream("student2"); // not joined
      expect(outsider.res.statusCode).toBe(404);
      outsider.res.destroy();

      const waitFor = async (get: () => string, re: RegExp) => {
        for (let i = 0; i < 100 && !re.test(get()); i++) await new Promise((r) => setTimeout(r, 20));
        expect(get()).toMatch(re);
      };
      await waitFor(student.text, /^retry: \d+\n\nevent: state\ndata: \{.*"state":"waiting"/);
      await waitFor(presenter.text, /event: count\ndata: \{"index":-1,"responses":0,"participants":1\}/);
      await request(t.app).post(`/api/v1/quizzes/${id}/next`).set(auth("instructor")).expect(200);
      await waitFor(student.text, /"state":"asking"/);
      await request(t.app).post(`/api/v1/quizzes/${id}/answers`).set(auth("student1")).send({ index: 0, answers: { theta: "0.5" } }).expect(201);
      await waitFor(presenter.text, /event: count\ndata: \{"index":0,"responses":1,"participants":1\}/);
      expect(student.text()).not.toContain("event: count");
      await request(t.app).post(`/api/v1/quizzes/${id}/reveal`).set(auth("instructor")).expect(200);
      await waitFor(student.text, /"state":"revealed"/);
      student.res.destroy();
      presenter.res.destroy();
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

describe("variants are created by the catalogue", () => {
  test("createVariant works for every quiz default (sanity)", () => {
    expect(createVariant("gaussian-mle", 1, { n: 6 }).data).toBeDefined();
  });
});
