/**
 * The audit trail: each instructor action that changes a grade or a rule leaves one entry (who,
 * when, before, after), made through the real pages and API; the page, CSV and API show it to the
 * course's instructors, filtered and paged. (Who else gets 404 is test/security/access-matrix.)
 */
import request from "supertest";
import { SYSTEM_ACTOR } from "../../src/db/audit";
import { upsertExtension } from "../../src/db/extensions";
import { allTokens, as, PASSWORD, twoCourses, type Tokens } from "../support/fixtures";
import { createTestApp, csrfFrom, signInAgent, type TestApp } from "../support/test-app";

let t: TestApp;
let tok: Tokens;
let courseId: number;
let instructor: Awaited<ReturnType<typeof signInAgent>>;
let assignmentId: number;
let itemId: number;
const userId: Record<string, number> = {};

type Entry = { id: number; at: string; actor: { id: number | null; email: string }; action: string; assignmentId: number | null; student: { id: number; email: string } | null; summary: string; before: unknown; after: unknown; flagged: boolean };

async function audit(query = ""): Promise<{ entries: Entry[]; total: number; page: number; perPage: number }> {
  return (await as(t.app, tok.instructor).get(`/api/v1/courses/${courseId}/audit${query}`).expect(200)).body;
}
async function latest(action: string): Promise<Entry> {
  const { entries } = await audit(`?action=${action}`);
  expect(entries.length).toBeGreaterThan(0);
  return entries[0]!;
}
async function form(path: string, from: string, fields: Record<string, string>) {
  const page = await instructor.get(from).expect(200);
  return instructor.post(path).type("form").send({ ...fields, _csrf: csrfFrom(page.text) });
}
async function submit(token: string, variantId: number) {
  await as(t.app, token).post(`/api/v1/variants/${variantId}/submissions`, { answers: { mean: 1, variance: 1 } }).expect(201);
}

beforeAll(async () => {
  t = await createTestApp({ LIKELY_SUBMIT_LIMIT_PER_MINUTE: "0" });
  ({ courseId } = await twoCourses(t.db));
  tok = await allTokens(t.app);
  instructor = await signInAgent(t.app, "instructor@example.edu", PASSWORD);
  for (const u of await t.db.user.findMany()) userId[u.email] = u.id;
  const created = await as(t.app, tok.instructor)
    .post(`/api/v1/courses/${courseId}/assignments`, { title: "Audited", kind: "homework", maxAttempts: 1, items: [{ exercise: "gaussian-mle" }] })
    .expect(201);
  assignmentId = created.body.id;
  await t.db.assignment.update({ where: { id: assignmentId }, data: { revealPolicy: "after-attempts" } });
  const view = await as(t.app, tok.student1).get(`/api/v1/assignments/${assignmentId}`).expect(200);
  itemId = view.body.items[0].itemId;
  await submit(tok.student1, view.body.items[0].variantId); // student1 used their one attempt: the key is revealed to them
});
afterAll(() => t.close());

test("an empty trail is an empty list; a bad query is a 400 naming the field", async () => {
  const bad = await as(t.app, tok.instructor).get(`/api/v1/courses/${courseId}/audit?action=nope`).expect(400);
  expect(bad.body.error).toMatch(/^action: expected one of assignment\.update, /);
  expect((await as(t.app, tok.instructor).get(`/api/v1/courses/${courseId}/audit?perPage=500`).expect(400)).body.error).toMatch(/^perPage: /);
  expect((await as(t.app, tok.instructor).get(`/api/v1/courses/${courseId}/audit?page=0`).expect(400)).body.error).toMatch(/^page: /);
  expect((await audit()).total).toBe(0);
});

test("points and tolerance changes on the edit page: before and after, by whom", async () => {
  const res = await form(`/assignments/${assignmentId}/edit`, `/assignments/${assignmentId}/edit`, {
    title: "Audited", kind: "homework", maxAttempts: "1", revealPolicy: "after-attempts", scorePolicy: "best",
    [`existing${itemId}_points`]: "3", [`existing${itemId}_rtol`]: "0.05", [`existing${itemId}_atol`]: "",
  });
  expect(res.status).toBe(303);
  const e = await latest("item.update");
  expect(e).toMatchObject({ actor: { id: userId["instructor@example.edu"], email: "instructor@example.edu" }, assignmentId, before: { points: 1, rtol: null }, after: { points: 3, rtol: 0.05 }, flagged: false });
  expect(e.summary).toBe('Exercise 1 of "Audited": points 1 → 3, rtol default → 0.05');
  // Saving the same values again records nothing new.
  await form(`/assignments/${assignmentId}/edit`, `/assignments/${assignmentId}/edit`, {
    title: "Audited", kind: "homework", maxAttempts: "1", revealPolicy: "after-attempts", scorePolicy: "best",
    [`existing${itemId}_points`]: "3", [`existing${itemId}_rtol`]: "0.05",
  });
  expect((await audit("?action=item.update")).total).toBe(1);
  expect((await audit("?action=assignment.update")).total).toBe(0);
});

test("a rule change (due date, attempts) of the assignment", async () => {
  await form(`/assignments/${assignmentId}/edit`, `/assignments/${assignmentId}/edit`, {
    title: "Audited", kind: "homework", maxAttempts: "1", revealPolicy: "after-attempts", scorePolicy: "last", dueAt: "2099-01-01T12:00",
    [`existing${itemId}_points`]: "3", [`existing${itemId}_rtol`]: "0.05",
  });
  const e = await latest("assignment.update");
  expect(e.before).toEqual({ dueAt: null, scorePolicy: "best" });
  expect(e.after).toEqual({ dueAt: new Date("2099-01-01T12:00").toISOString(), scorePolicy: "last" });
});

test("a regrade records the scores it changed", async () => {
  // The regrade page previews; its POST applies and redirects.
  const preview = `/assignments/${assignmentId}/items/${itemId}/regrade`;
  expect((await form(`/assignments/${assignmentId}/items/${itemId}/regrade`, preview, {})).status).toBe(303);
  const e = await latest("regrade");
  expect(e.summary).toMatch(/^Exercise 1 of "Audited" regraded: \d+ scores? changed$/);
  expect(e.after).toMatchObject({ tolerance: { rtol: 0.05, atol: null } });
});

test("an extension; extra attempts after the key was revealed are flagged", async () => {
  const student = `/courses/${courseId}/students/${userId["student1@example.edu"]}`;
  // After the reveal the grant asks for confirmation first (409, nothing saved), then saves.
  expect((await form(`${student}/extensions`, student, { assignmentId: String(assignmentId), extraAttempts: "2", dueAt: "" })).status).toBe(409);
  expect((await form(`${student}/extensions`, student, { assignmentId: String(assignmentId), extraAttempts: "2", dueAt: "", confirmAfterReveal: "1" })).status).toBe(303);
  const flagged = await latest("extension");
  expect(flagged).toMatchObject({ student: { email: "student1@example.edu" }, before: { extraAttempts: 0 }, after: { extraAttempts: 2 }, flagged: true });
  expect(flagged.summary).toContain("after the key was revealed");

  // student2 has not used their attempt: no key seen, no flag.
  const other = `/courses/${courseId}/students/${userId["student2@example.edu"]}`;
  await form(`${other}/extensions`, other, { assignmentId: String(assignmentId), extraAttempts: "1", dueAt: "" });
  expect(await latest("extension")).toMatchObject({ student: { email: "student2@example.edu" }, flagged: false });
  expect((await audit("?flagged=1")).entries.map((e) => e.id)).toEqual([flagged.id]);
  expect((await audit(`?student=${userId["student2@example.edu"]}`)).entries.map((e) => e.action)).toEqual(["extension"]);
});

test("a new due date that reopens the assignment after the key was revealed (due date passed) is flagged", async () => {
  await t.db.assignment.update({ where: { id: assignmentId }, data: { dueAt: new Date(Date.now() - 3600_000) } });
  const student = `/courses/${courseId}/students/${userId["student3@example.edu"]}`;
  await form(`${student}/extensions`, student, { assignmentId: String(assignmentId), extraAttempts: "0", dueAt: "2099-06-01T12:00", confirmAfterReveal: "1" });
  const e = await latest("extension");
  expect(e).toMatchObject({ student: { email: "student3@example.edu" }, before: { dueAt: null }, after: { dueAt: new Date("2099-06-01T12:00").toISOString() }, flagged: true });
  await t.db.assignment.update({ where: { id: assignmentId }, data: { dueAt: new Date("2099-01-01T12:00") } });
});

test("a change made outside a signed-in request (a command-line tool) names the system as its actor", async () => {
  await upsertExtension(t.db, { assignmentId, userId: userId["student3@example.edu"]!, dueAt: null, extraAttempts: 5 });
  expect(await latest("extension")).toMatchObject({ actor: { id: null, email: SYSTEM_ACTOR }, after: { extraAttempts: 5 } });
});

test("a roster import lists who was enrolled (never which e-mails already had an account)", async () => {
  await as(t.app, tok.instructor).post(`/api/v1/courses/${courseId}/students`, { students: [{ email: "fresh@example.edu", name: "Fresh" }, { email: "student1@example.edu", name: "Again" }] }).expect(201);
  const e = await latest("roster.import");
  expect(e.after).toEqual({ enrolled: ["fresh@example.edu"] });
  expect(e.summary).toBe("Roster import: 1 student added (2 rows)");
  await as(t.app, tok.instructor).post(`/api/v1/courses/${courseId}/students`, { students: [{ email: "fresh@example.edu", name: "Fresh" }] }).expect(201);
  expect((await audit("?action=roster.import")).total).toBe(1); // a harmless re-import changes nothing
});

test("a quiz reveal", async () => {
  const quiz = await as(t.app, tok.instructor).post(`/api/v1/courses/${courseId}/quizzes`, { title: "Audited quiz", items: [{ exercise: "gaussian-mle" }] }).expect(201);
  for (const step of ["start", "next", "reveal"]) await as(t.app, tok.instructor).post(`/api/v1/quizzes/${quiz.body.id}/${step}`).expect(200);
  const e = await latest("quiz.reveal");
  expect(e.summary).toBe('Quiz "Audited quiz": answer to question 1 revealed');
  await as(t.app, tok.instructor).post(`/api/v1/quizzes/${quiz.body.id}/end`).expect(200);
  expect((await audit("?action=quiz.reveal")).total).toBe(1); // ending an already revealed question reveals nothing new
});

test("a password reset, without the password", async () => {
  const res = await as(t.app, tok.instructor).post(`/api/v1/courses/${courseId}/students/${userId["student3@example.edu"]}/password`).expect(200);
  const e = await latest("password.reset");
  expect(e).toMatchObject({ student: { email: "student3@example.edu" }, actor: { email: "instructor@example.edu" } });
  expect(JSON.stringify(e)).not.toContain(res.body.password);
});

test("the trail is paged newest first, shown on the course page and exported as CSV", async () => {
  const all = await audit("?perPage=200");
  expect(all.total).toBe(all.entries.length);
  expect(new Set(all.entries.map((e) => e.action))).toEqual(new Set(["item.update", "assignment.update", "regrade", "extension", "roster.import", "quiz.reveal", "password.reset"]));
  const ids = all.entries.map((e) => e.id);
  expect(ids).toEqual([...ids].sort((a, b) => b - a));
  const page2 = await audit("?perPage=3&page=2");
  expect(page2).toMatchObject({ page: 2, perPage: 3, total: all.total });
  expect(page2.entries.map((e) => e.id)).toEqual(ids.slice(3, 6));

  const html = (await instructor.get(`/courses/${courseId}/audit`).expect(200)).text;
  expect(html).toContain(`${all.total} entries`);
  expect(html).toContain("Flagged");
  expect(html).toContain("after the key was revealed");
  const filtered = (await instructor.get(`/courses/${courseId}/audit?action=quiz.reveal&student=`).expect(200)).text;
  expect(filtered).toContain("1 entry");
  expect((await instructor.get(`/courses/${courseId}/audit?action=bogus`).set("Accept", "text/html")).status).toBe(400);

  const csv = await instructor.get(`/courses/${courseId}/audit.csv`).expect(200);
  expect(csv.headers["content-type"]).toMatch(/^text\/csv/);
  const lines = csv.text.replace(/^\uFEFF/, "").trim().split("\r\n");
  expect(lines[0]).toBe("When (UTC),Who,Action,Assignment ID,Student,Summary,Before,After,Flagged");
  expect(lines).toHaveLength(all.total + 1);
  expect(csv.text).toContain("password.reset");
  expect((await request(t.app).get(`/courses/${courseId}/audit.csv`)).status).toBe(303); // anonymous: sign in first
});
