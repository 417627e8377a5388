/**
 * Revocation acts on the very next request, through real HTTP against the listening server, and
 * within the per-process bearer-token cache window (every token is used once first, so it sits in
 * the cache when it is revoked).
 */
import { hashPassword } from "../../src/auth/passwords";
import { joinCode } from "../../src/auth/secrets";
import { insertCourse } from "../../src/db/courses";
import { insertUser } from "../../src/db/users";
import { api, CookieClient, newToken } from "../support/http-client";
import { startLiveServer, TEST_PASSWORD } from "../support/live-server";

let live: Awaited<ReturnType<typeof startLiveServer>>;
let url: string;
let courseId: number;

beforeAll(async () => {
  live = await startLiveServer();
  url = live.url;
  courseId = (await live.db.course.findFirstOrThrow({ where: { code: "ML101" } })).id;
}, 60_000);
afterAll(() => live.close());

const me = (token: string) => api(url, token, "GET", "/me");

async function addUser(email: string, role: "student" | "instructor", password = TEST_PASSWORD) {
  return insertUser(live.db, { email, name: email.split("@")[0]!, role, passwordHash: await hashPassword(password) });
}

test("DELETE /api/v1/tokens/current: 204, then that token answers 401 at once; the user's other tokens keep working", async () => {
  const t1 = await newToken(url, "student1@example.edu", TEST_PASSWORD);
  const t2 = await newToken(url, "student1@example.edu", TEST_PASSWORD);
  expect((await me(t1)).status).toBe(200); // now in the token cache
  expect((await me(t2)).status).toBe(200);
  const started = Date.now();
  expect((await api(url, t1, "DELETE", "/tokens/current")).status).toBe(204);
  const after = await me(t1);
  expect(Date.now() - started).toBeLessThan(30_000); // inside the cache window
  expect(after.status).toBe(401);
  expect(after.body).toEqual({ error: expect.stringMatching(/invalid or expired/) });
  expect((await me(t2)).status).toBe(200);
  expect((await api(url, t1, "DELETE", "/tokens/current")).status).toBe(401);
});

test("POST /api/v1/me/password: 204; every other token and session is revoked at once, the calling token stays", async () => {
  await addUser("pw.api@example.edu", "student");
  const caller = await newToken(url, "pw.api@example.edu", TEST_PASSWORD);
  const other = await newToken(url, "pw.api@example.edu", TEST_PASSWORD);
  const browser = await new CookieClient(url).signIn("pw.api@example.edu", TEST_PASSWORD);
  expect((await me(other)).status).toBe(200);
  expect(await browser.signedIn()).toBe(true);

  const wrong = await api(url, caller, "POST", "/me/password", { currentPassword: "not-it-at-all", newPassword: "a-new-password-1" });
  expect(wrong).toEqual({ status: 400, body: { error: "currentPassword: that is not your current password" } });
  const short = await api(url, caller, "POST", "/me/password", { currentPassword: TEST_PASSWORD, newPassword: "short" });
  expect(short).toEqual({ status: 400, body: { error: "newPassword: password must be at least 8 characters" } });
  const missing = await api(url, caller, "POST", "/me/password", { newPassword: "a-new-password-1" });
  expect(missing.status).toBe(400);
  expect((missing.body as { error: string }).error).toMatch(/^currentPassword: /);
  expect((await me(other)).status).toBe(200); // refused changes revoke nothing

  const ok = await api(url, caller, "POST", "/me/password", { currentPassword: TEST_PASSWORD, newPassword: "a-new-password-1" });
  expect(ok.status).toBe(204);
  expect((await me(other)).status).toBe(401);
  expect(await browser.signedIn()).toBe(false);
  expect((await me(caller)).status).toBe(200);
  expect((await api(url, undefined, "POST", "/tokens", { email: "pw.api@example.edu", password: TEST_PASSWORD })).status).toBe(401);
  await newToken(url, "pw.api@example.edu", "a-new-password-1");
});

test("the password page: this browser stays signed in under a fresh session id; other browsers and tokens are signed out", async () => {
  await addUser("pw.page@example.edu", "student");
  const here = await new CookieClient(url).signIn("pw.page@example.edu", TEST_PASSWORD);
  const elsewhere = await new CookieClient(url).signIn("pw.page@example.edu", TEST_PASSWORD);
  const token = await newToken(url, "pw.page@example.edu", TEST_PASSWORD);
  expect((await me(token)).status).toBe(200);
  const oldSid = here.cookies.get("likely_sid")!;

  const mismatch = await here.post("/account/password", { currentPassword: TEST_PASSWORD, newPassword: "page-password-1", confirmPassword: "page-password-2" }, "/account");
  expect(mismatch.status).toBe(400);
  expect(await mismatch.text()).toContain("differ");
  const wrong = await here.post("/account/password", { currentPassword: "wrong-password", newPassword: "page-password-1", confirmPassword: "page-password-1" }, "/account");
  expect(wrong.status).toBe(400);
  expect(await wrong.text()).toContain("not your current password");
  expect(await elsewhere.signedIn()).toBe(true);

  const res = await here.post("/account/password", { currentPassword: TEST_PASSWORD, newPassword: "page-password-1", confirmPassword: "page-password-1" }, "/account");
  expect(res.status).toBe(303);
  expect(res.headers.get("location")).toBe("/account?changed=1");
  const newSid = here.cookies.get("likely_sid")!;
  expect(newSid).toBeTruthy();
  expect(newSid).not.toBe(oldSid);
  expect(await here.signedIn()).toBe(true);
  expect(await (await here.request("GET", "/account?changed=1")).text()).toContain("Password changed");
  expect(await elsewhere.signedIn()).toBe(false);
  expect((await me(token)).status).toBe(401);
  const replay = new CookieClient(url);
  replay.cookies.set("likely_sid", oldSid);
  expect(await replay.signedIn()).toBe(false);
});

test("sign out everywhere revokes every session (this one too) and every token of the user", async () => {
  await addUser("everywhere@example.edu", "student");
  const a = await new CookieClient(url).signIn("everywhere@example.edu", TEST_PASSWORD);
  const b = await new CookieClient(url).signIn("everywhere@example.edu", TEST_PASSWORD);
  const t1 = await newToken(url, "everywhere@example.edu", TEST_PASSWORD);
  const t2 = await newToken(url, "everywhere@example.edu", TEST_PASSWORD);
  const bystander = await newToken(url, "student3@example.edu", TEST_PASSWORD);
  for (const t of [t1, t2, bystander]) expect((await me(t)).status).toBe(200);
  const oldSid = a.cookies.get("likely_sid")!;

  const res = await a.post("/account/signout-everywhere", {}, "/account");
  expect(res.status).toBe(303);
  expect(res.headers.get("location")).toBe("/signin?signedout=everywhere");
  expect(await a.signedIn()).toBe(false);
  expect(await b.signedIn()).toBe(false);
  for (const t of [t1, t2]) expect((await me(t)).status).toBe(401);
  expect((await me(bystander)).status).toBe(200);
  const replay = new CookieClient(url);
  replay.cookies.set("likely_sid", oldSid);
  expect(await replay.signedIn()).toBe(false);
  expect(await (await new CookieClient(url).request("GET", "/signin?signedout=everywhere")).text()).toContain("signed out on every device");
});

describe("an instructor resets a student's password", () => {
  let instructor: string;
  beforeAll(async () => {
    instructor = await newToken(url, "instructor@example.edu", TEST_PASSWORD);
  });
  const reset = (token: string, course: number, userId: number) => api(url, token, "POST", `/courses/${course}/students/${userId}/password`);

  test("a student only in this course: a new password shown once, their tokens and sessions revoked at once, an audit entry", async () => {
    const student = await live.db.user.findUniqueOrThrow({ where: { email: "student2@example.edu" } });
    const token = await newToken(url, "student2@example.edu", TEST_PASSWORD);
    const browser = await new CookieClient(url).signIn("student2@example.edu", TEST_PASSWORD);
    expect((await me(token)).status).toBe(200);

    const res = await reset(instructor, courseId, student.id);
    expect(res.status).toBe(200);
    const { password } = res.body as { email: string; password: string };
    expect(res.body).toEqual({ email: "student2@example.edu", password: expect.stringMatching(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/) });
    expect((await me(token)).status).toBe(401);
    expect(await browser.signedIn()).toBe(false);
    await newToken(url, "student2@example.edu", password);

    const audit = await api(url, instructor, "GET", `/courses/${courseId}/audit?action=password.reset`);
    const entries = (audit.body as { entries: { actor: { email: string }; student: { email: string }; summary: string }[] }).entries;
    expect(entries[0]).toMatchObject({ actor: { email: "instructor@example.edu" }, student: { email: "student2@example.edu" } });
    expect(JSON.stringify(audit.body)).not.toContain(password);
  });

  test("refused for an account another course also trusts, even after importing it into one's own roster", async () => {
    const otherInstructor = await addUser("rival@example.edu", "instructor");
    const other = await insertCourse(live.db, { code: "RIVAL1", title: "Rival course", joinCode: joinCode() }, otherInstructor.id);
    const rival = await newToken(url, "rival@example.edu", TEST_PASSWORD);
    // The rival imports a student of ML101 into their own course, then tries to take the account over.
    expect((await api(url, rival, "POST", `/courses/${other.id}/students`, { students: [{ email: "student3@example.edu", name: "Student Three" }] })).status).toBe(201);
    const s3 = await live.db.user.findUniqueOrThrow({ where: { email: "student3@example.edu" } });
    const byRival = await reset(rival, other.id, s3.id);
    expect(byRival.status).toBe(409);
    expect((byRival.body as { error: string }).error).toMatch(/Only an administrator can reset this password/);
    // ...and neither instructor can now: the account belongs to both courses.
    expect((await reset(instructor, courseId, s3.id)).status).toBe(409);
    await newToken(url, "student3@example.edu", TEST_PASSWORD); // unchanged

    // An instructor account enrolled as a student is never resettable by a course instructor.
    const teacher = await addUser("teacher.as.student@example.edu", "instructor");
    await live.db.enrollment.create({ data: { userId: teacher.id, courseId, role: "student" } });
    const t = await reset(instructor, courseId, teacher.id);
    expect(t.status).toBe(409);
    expect((t.body as { error: string }).error).toMatch(/Only an administrator can reset this password/);
    // One answer for both: which refusal applies would tell whether the account teaches or belongs elsewhere.
    expect(t.body).toEqual(byRival.body);

    // Not a student of the course, or not the caller's course: 404 like a missing id.
    const s1 = await live.db.user.findUniqueOrThrow({ where: { email: "student1@example.edu" } });
    expect(await reset(rival, courseId, s1.id)).toEqual({ status: 404, body: { error: "course not found" } });
    expect(await reset(instructor, other.id, s1.id)).toEqual({ status: 404, body: { error: "course not found" } });
    expect(await reset(instructor, courseId, otherInstructor.id)).toEqual({ status: 404, body: { error: "student not found" } });
    expect(await reset(instructor, courseId, 99999999)).toEqual({ status: 404, body: { error: "student not found" } });
    const student = await newToken(url, "student1@example.edu", TEST_PASSWORD);
    expect((await reset(student, courseId, s1.id)).status).toBe(404);
  });
});
