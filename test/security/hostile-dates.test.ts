/**
 * Finding 23: every date field (API and forms) accepts ISO 8601 date-times in sane years only.
 * Out-of-range numbers and years answered 500; `true` and "0" were silently stored as 1970 and 2000.
 */
import { allTokens, as, PASSWORD, twoCourses, type Tokens } from "../support/fixtures";
import { createTestApp, csrfFrom, signInAgent, type TestApp } from "../support/test-app";

let t: TestApp;
let tok: Tokens;
let courseId: number;

beforeAll(async () => {
  t = await createTestApp();
  ({ courseId } = await twoCourses(t.db));
  tok = await allTokens(t.app);
});
afterAll(() => t.close());

const BAD: unknown[] = [8.64e15, 0, true, "0", "+275760-09-13T00:00:00.000Z", "275760-01-01T00:00", "-000001-01-01T00:00:00Z", "1999-12-31T23:59:00Z", "2026-02-30T10:00", "2026-12-01", "tomorrow", "2026-12-01T24:00", {}, []];

test.each(["dueAt", "opensAt"])("API: %s out of range or not an ISO string is a 400 naming the field; nothing stored", async (field) => {
  const before = await t.db.assignment.count();
  for (const value of BAD) {
    const res = await as(t.app, tok.instructor).post(`/api/v1/courses/${courseId}/assignments`, { title: "Dates", kind: "homework", [field]: value, items: [{ exercise: "gaussian-mle" }] });
    expect({ value, status: res.status }).toEqual({ value, status: 400 });
    expect(res.body.error).toMatch(new RegExp(`^${field}: `));
  }
  expect(await t.db.assignment.count()).toBe(before);
});

test("API: ISO 8601 date-times in sane years are stored as given", async () => {
  for (const [value, iso] of [
    ["2026-12-01T23:59:00Z", "2026-12-01T23:59:00.000Z"],
    ["2026-12-01T23:59:00.250+02:00", "2026-12-01T21:59:00.250Z"],
    ["2199-12-31T23:59:59Z", "2199-12-31T23:59:59.000Z"],
  ]) {
    const { id } = (await as(t.app, tok.instructor).post(`/api/v1/courses/${courseId}/assignments`, { title: "Dates", kind: "homework", dueAt: value, items: [{ exercise: "gaussian-mle" }] }).expect(201)).body;
    expect((await t.db.assignment.findUniqueOrThrow({ where: { id } })).dueAt!.toISOString()).toBe(iso);
  }
});

test("forms: the assignment builder, its edit page and the extension form refuse the same values with a 400", async () => {
  const instructor = await signInAgent(t.app, "instructor@example.edu", PASSWORD);
  const student = await t.db.user.findUniqueOrThrow({ where: { email: "student1@example.edu" } });
  const { id: assignmentId } = (await as(t.app, tok.instructor).post(`/api/v1/courses/${courseId}/assignments`, { title: "Edit me", kind: "homework", items: [{ exercise: "gaussian-mle" }] }).expect(201)).body;
  const before = await t.db.assignment.count();
  for (const value of ["0", "true", "275760-01-01T00:00", "-000001-01-01T00:00", "8640000000000000", "2026-02-30T10:00"]) {
    const form = await instructor.get(`/courses/${courseId}/assignments/new`).expect(200);
    const created = await instructor.post(`/courses/${courseId}/assignments`).type("form").send({ _csrf: csrfFrom(form.text), title: "Form dates", kind: "homework", dueAt: value, item0_exercise: "gaussian-mle" });
    expect({ value, status: created.status }).toEqual({ value, status: 400 });
    expect(created.text).toMatch(/Due: |dueAt: /);
    const edit = await instructor.post(`/assignments/${assignmentId}/edit`).type("form").send({ _csrf: csrfFrom(form.text), title: "Edit me", kind: "homework", opensAt: value });
    expect({ value, status: edit.status }).toEqual({ value, status: 400 });
    const ext = await instructor.post(`/courses/${courseId}/students/${student.id}/extensions`).type("form").send({ _csrf: csrfFrom(form.text), assignmentId: String(assignmentId), dueAt: value, extraAttempts: "0" });
    expect({ value, status: ext.status }).toEqual({ value, status: 400 });
  }
  expect(await t.db.assignment.count()).toBe(before);
  expect(await t.db.extension.count()).toBe(0);
  expect((await t.db.assignment.findUniqueOrThrow({ where: { id: assignmentId } })).opensAt).toBeNull();
});
