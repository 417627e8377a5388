import { ensureStart } from "../../src/db/assignment-starts";
import { allTokens, as, PASSWORD, twoCourses, type Tokens } from "../support/fixtures";
import { createTestApp, csrfFrom, signInAgent, type TestApp } from "../support/test-app";

// Timed exams (CONTRACTS.md "Teaching depth"): a personal clock from the first view, endsAt capped by
// the due date, 409 after it, extensions add minutes, parallel first views store one start.

let t: TestApp;
let tok: Tokens;
let courseId: number;

const DAY = 86400_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const userId = async (email: string) => (await t.db.user.findUniqueOrThrow({ where: { email } })).id;

async function exam(body: Record<string, unknown> = {}): Promise<number> {
  const res = await as(t.app, tok.instructor).post(`/api/v1/courses/${courseId}/assignments`, {
    title: "Timed exam",
    kind: "exam",
    dueAt: new Date(Date.now() + DAY).toISOString(),
    timeLimitMinutes: 30,
    items: [{ exercise: "gaussian-mle" }],
    ...body,
  });
  expect(res.status).toBe(201);
  return res.body.id as number;
}

/** Moves a student's clock start back, as if they had opened the exam `minutes` ago. */
async function startedMinutesAgo(assignmentId: number, email: string, minutes: number) {
  await t.db.assignmentStart.update({ where: { assignmentId_userId: { assignmentId, userId: await userId(email) } }, data: { startedAt: new Date(Date.now() - minutes * 60_000) } });
}

beforeAll(async () => {
  t = await createTestApp({ LIKELY_SUBMIT_LIMIT_PER_MINUTE: "0" });
  ({ courseId } = await twoCourses(t.db));
  tok = await allTokens(t.app);
});
afterAll(() => t.close());

test("the first view starts the clock; endsAt = start + limit; the instructor's views start none", async () => {
  const id = await exam();
  await as(t.app, tok.instructor).get(`/api/v1/assignments/${id}`).expect(200);
  expect(await t.db.assignmentStart.count({ where: { assignmentId: id } })).toBe(0);
  const before = Date.now();
  const first = await as(t.app, tok.student1).get(`/api/v1/assignments/${id}`).expect(200);
  expect(first.body.timeLimitMinutes).toBe(30);
  const started = new Date(first.body.startedAt).getTime();
  expect(started).toBeGreaterThanOrEqual(before - 1000);
  expect(new Date(first.body.endsAt).getTime()).toBe(started + 30 * 60_000);
  const again = await as(t.app, tok.student1).get(`/api/v1/assignments/${id}`).expect(200);
  expect(again.body.endsAt).toBe(first.body.endsAt);
});

test("a late submission is refused with 409 while another student's clock still runs", async () => {
  const id = await exam();
  const v1 = (await as(t.app, tok.student1).get(`/api/v1/assignments/${id}`).expect(200)).body.items[0].variantId;
  const v2 = (await as(t.app, tok.student2).get(`/api/v1/assignments/${id}`).expect(200)).body.items[0].variantId;
  await startedMinutesAgo(id, "student1@example.edu", 31);
  const late = await as(t.app, tok.student1).post(`/api/v1/variants/${v1}/submissions`, { answers: { mean: 1, variance: 1 } }).expect(409);
  expect(late.body.error).toMatch(/^Time is up: your 30 minutes for this exam ended at \d\d:\d\d:\d\d UTC on \d{4}-\d\d-\d\d\. This answer was not graded\.$/);
  expect(await t.db.submission.count({ where: { variantId: v1 } })).toBe(0);
  const view = await as(t.app, tok.student1).get(`/api/v1/assignments/${id}`).expect(200);
  expect(view.body.status).toBe("closed");
  expect(new Date(view.body.endsAt).getTime()).toBeLessThan(Date.now());
  // Student 2 opened it at the same time but their clock was not moved: still running.
  await as(t.app, tok.student2).post(`/api/v1/variants/${v2}/submissions`, { answers: { mean: 1, variance: 1 } }).expect(201);
  // The key is not revealed by a clock running out: the due date has not passed.
  expect(view.body.items[0].key).toBeUndefined();
});

test("with a tiny real limit (0.02 minutes) the clock runs out by itself", async () => {
  const id = await exam({ timeLimitMinutes: 0.02 });
  const v = (await as(t.app, tok.student3).get(`/api/v1/assignments/${id}`).expect(200)).body.items[0].variantId;
  await sleep(1400);
  await as(t.app, tok.student3).post(`/api/v1/variants/${v}/submissions`, { answers: { mean: 1, variance: 1 } }).expect(409);
});

test("endsAt is capped by the due date", async () => {
  const due = new Date(Date.now() + 5 * 60_000);
  const id = await exam({ dueAt: due.toISOString(), timeLimitMinutes: 60 });
  const view = await as(t.app, tok.student1).get(`/api/v1/assignments/${id}`).expect(200);
  expect(new Date(view.body.endsAt).getTime()).toBe(due.getTime());
});

test("an extension adds minutes to the student's clock, and the audit trail records it", async () => {
  const id = await exam();
  const v = (await as(t.app, tok.student1).get(`/api/v1/assignments/${id}`).expect(200)).body.items[0].variantId;
  await startedMinutesAgo(id, "student1@example.edu", 31);
  await as(t.app, tok.student1).post(`/api/v1/variants/${v}/submissions`, { answers: { mean: 1, variance: 1 } }).expect(409);
  const agent = await signInAgent(t.app, "instructor@example.edu", PASSWORD);
  const s1 = await userId("student1@example.edu");
  const page = await agent.get(`/courses/${courseId}/students/${s1}`).expect(200);
  expect(page.text).toContain(`id="minutes-${id}"`);
  await agent.post(`/courses/${courseId}/students/${s1}/extensions`).type("form").send({ _csrf: csrfFrom(page.text), assignmentId: String(id), dueAt: "", extraAttempts: "0", extraMinutes: "10" }).expect(303);
  const view = await as(t.app, tok.student1).get(`/api/v1/assignments/${id}`).expect(200);
  expect(new Date(view.body.endsAt).getTime() - new Date(view.body.startedAt).getTime()).toBe(40 * 60_000);
  await as(t.app, tok.student1).post(`/api/v1/variants/${v}/submissions`, { answers: { mean: 1, variance: 1 } }).expect(201);
  const audit = await t.db.auditEntry.findFirstOrThrow({ where: { assignmentId: id, action: "extension" } });
  expect(audit.summary).toMatch(/extra exam minutes 0 → 10/);
  // Bad minutes: a clear 400 naming the field, nothing changed.
  const bad = await agent.post(`/courses/${courseId}/students/${s1}/extensions`).type("form").send({ _csrf: csrfFrom(page.text), assignmentId: String(id), dueAt: "", extraAttempts: "0", extraMinutes: "-5" });
  expect(bad.status).toBe(400);
  expect(bad.text).toMatch(/Extra minutes: expected a number of minutes/);
  expect((await t.db.extension.findFirstOrThrow({ where: { assignmentId: id, userId: s1 } })).extraMinutes).toBe(10);
});

test("parallel first views store one start and all answer with the same endsAt", async () => {
  const id = await exam();
  const views = await Promise.all(Array.from({ length: 12 }, () => as(t.app, tok.student2).get(`/api/v1/assignments/${id}`)));
  for (const v of views) expect(v.status).toBe(200);
  expect(await t.db.assignmentStart.count({ where: { assignmentId: id } })).toBe(1);
  expect(new Set(views.map((v) => v.body.endsAt)).size).toBe(1);
});

test("parallel first starts at the database interleave and still store one start, all answering with it", async () => {
  const id = await exam();
  const uid = await userId("student3@example.edu");
  const starts = await Promise.all(Array.from({ length: 12 }, (_, i) => ensureStart(t.db, id, uid, new Date(Date.now() + i))));
  expect(await t.db.assignmentStart.count({ where: { assignmentId: id } })).toBe(1);
  expect(new Set(starts.map((s) => s.startedAt.getTime())).size).toBe(1);
});

test("timeLimitMinutes must be a positive number; refused with the field named and nothing created", async () => {
  const before = await t.db.assignment.count();
  for (const bad of [0, -1, "30", 1e9, true, {}]) {
    const res = await as(t.app, tok.instructor).post(`/api/v1/courses/${courseId}/assignments`, { title: "x", kind: "exam", timeLimitMinutes: bad, items: [{ exercise: "gaussian-mle" }] });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/^timeLimitMinutes: /);
  }
  expect(await t.db.assignment.count()).toBe(before);
  await as(t.app, tok.instructor).post(`/api/v1/courses/${courseId}/assignments`, { title: "x", kind: "exam", timeLimitMinutes: 0.5, items: [{ exercise: "gaussian-mle" }] }).expect(201);
});

test("untimed assignments answer endsAt null and start no clock", async () => {
  const id = await exam({ timeLimitMinutes: undefined, kind: "homework" });
  const view = await as(t.app, tok.student1).get(`/api/v1/assignments/${id}`).expect(200);
  expect(view.body).toMatchObject({ timeLimitMinutes: null, startedAt: null, endsAt: null });
  expect(await t.db.assignmentStart.count({ where: { assignmentId: id } })).toBe(0);
});
