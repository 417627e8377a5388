/** The admin area over real HTTP (supertest) on a real SQLite file: who may see it, and what it does. */
import request from "supertest";
import { createAccount } from "../../src/auth/create-account";
import { PASSWORD, twoCourses } from "../support/fixtures";
import { createTestApp, csrfFrom, signInAgent, type TestApp } from "../support/test-app";

let t: TestApp;
let admin: Awaited<ReturnType<typeof signInAgent>>;

beforeAll(async () => {
  t = await createTestApp();
  await twoCourses(t.db);
  await createAccount(t.db, { email: "admin@example.edu", name: "Ada Admin", role: "admin", password: PASSWORD });
  admin = await signInAgent(t.app, "admin@example.edu", PASSWORD);
});
afterAll(() => t.close());

test("an admin lands on /admin, sees the account counts and a link to every admin section", async () => {
  const page = await admin.get("/signin").expect(303);
  expect(page.headers.location).toBe("/admin");
  const index = await admin.get("/admin").expect(200);
  expect(index.text).toContain('href="/admin/users"');
  expect(index.text).toMatch(/Instructors<\/span><b><a href="\/admin\/users\?role=instructor">2</);
  expect(index.text).toContain('<a href="/admin">Admin</a>'); // in the nav
});

test("the accounts page lists accounts, filters by role and search", async () => {
  const all = await admin.get("/admin/users").expect(200);
  for (const e of ["instructor@example.edu", "student1@example.edu", "other.student@example.edu", "admin@example.edu"]) expect(all.text).toContain(e);
  const instructors = await admin.get("/admin/users?role=instructor").expect(200);
  expect(instructors.text).toContain("other.instructor@example.edu");
  expect(instructors.text).not.toContain("student1@example.edu");
  const search = await admin.get("/admin/users?q=OTHER").expect(200);
  expect(search.text).toContain("other.student@example.edu");
  expect(search.text).not.toContain("student1@example.edu");
});

test("an admin creates an instructor; the password is shown once and works", async () => {
  const page = await admin.get("/admin/users").expect(200);
  const res = await admin.post("/admin/users").type("form").send({ _csrf: csrfFrom(page.text), email: "New.Prof@Example.edu", name: "Nora Prof", role: "instructor" }).expect(201);
  const password = /class="mono admin-password">([^<]+)</.exec(res.text)?.[1];
  expect(password).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
  const prof = await signInAgent(t.app, "new.prof@example.edu", password!);
  const courses = await prof.get("/courses").expect(200);
  expect(courses.text).toContain('href="/courses/new"'); // an instructor may create courses
  expect((await admin.get("/admin/users")).text).not.toContain(password!);
});

test("bad or duplicate input re-renders the form with the field named", async () => {
  const page = await admin.get("/admin/users").expect(200);
  const csrf = csrfFrom(page.text);
  const bad = await admin.post("/admin/users").type("form").send({ _csrf: csrf, email: "nope", name: "X", role: "instructor" }).expect(400);
  expect(bad.text).toMatch(/Email: expected an email address/);
  const dup = await admin.post("/admin/users").type("form").send({ _csrf: csrf, email: "student1@example.edu", name: "X", role: "instructor" }).expect(409);
  expect(dup.text).toMatch(/Email: an account with student1@example\.edu exists already/);
  const role = await admin.post("/admin/users").type("form").send({ _csrf: csrf, email: "z@example.edu", name: "Z", role: "root" }).expect(400);
  expect(role.text).toMatch(/Role: expected one of admin, instructor, student/);
});

test("an admin changes another account's role, but not their own", async () => {
  const page = await admin.get("/admin/users").expect(200);
  const csrf = csrfFrom(page.text);
  const s3 = await t.db.user.findUniqueOrThrow({ where: { email: "student3@example.edu" } });
  const res = await admin.post(`/admin/users/${s3.id}/role`).type("form").send({ _csrf: csrf, role: "instructor" }).expect(303);
  expect(res.headers.location).toBe("/admin/users?saved=student3%40example.edu&as=instructor");
  expect((await t.db.user.findUniqueOrThrow({ where: { id: s3.id } })).role).toBe("instructor");
  const student3 = await signInAgent(t.app, "student3@example.edu", PASSWORD);
  expect((await student3.get("/courses")).text).toContain('href="/courses/new"');

  const me = await t.db.user.findUniqueOrThrow({ where: { email: "admin@example.edu" } });
  await admin.post(`/admin/users/${me.id}/role`).type("form").send({ _csrf: csrf, role: "student" }).set("Accept", "text/html").expect(409);
  expect((await t.db.user.findUniqueOrThrow({ where: { id: me.id } })).role).toBe("admin");
  await admin.post(`/admin/users/${s3.id}/role`).type("form").send({ _csrf: csrf, role: "owner" }).expect(400);
  await admin.post(`/admin/users/99999999/role`).type("form").send({ _csrf: csrf, role: "student" }).expect(404);
  await admin.post(`/admin/users/${s3.id}/role`).type("form").send({ role: "student" }).expect(403); // no CSRF token
});

test("no one but an admin gets an admin page: 404 like a missing page (anonymous: sign in)", async () => {
  const s1 = await t.db.user.findUniqueOrThrow({ where: { email: "student1@example.edu" } });
  const paths = ["/admin", "/admin/users", "/admin/users?role=admin"];
  for (const who of ["instructor@example.edu", "student1@example.edu", "other.instructor@example.edu"]) {
    const agent = await signInAgent(t.app, who, PASSWORD);
    const missing = await agent.get("/no-such-page").set("Accept", "text/html");
    for (const p of paths) {
      const res = await agent.get(p).set("Accept", "text/html");
      expect([who, p, res.status]).toEqual([who, p, 404]);
      expect(res.text).toBe(missing.text);
    }
    const csrf = csrfFrom((await agent.get("/courses")).text);
    await agent.post(`/admin/users/${s1.id}/role`).type("form").send({ _csrf: csrf, role: "admin" }).expect(404);
    await agent.post("/admin/users").type("form").send({ _csrf: csrf, email: "sneaky@example.edu", name: "S", role: "admin" }).expect(404);
  }
  expect((await t.db.user.findUniqueOrThrow({ where: { id: s1.id } })).role).toBe("student");
  expect(await t.db.user.findUnique({ where: { email: "sneaky@example.edu" } })).toBeNull();
  const anon = await request(t.app).get("/admin/users").expect(303);
  expect(anon.headers.location).toBe("/signin?next=%2Fadmin%2Fusers");
});
