import request from "supertest";
import { createDemoData } from "../../src/seed/demo";
import { createTestApp, csrfFrom, signInAgent, tokenFor, type TestApp } from "../support/test-app";

const PASSWORD = "demo-password-123";
let t: TestApp;
let courseId: number;

beforeAll(async () => {
  t = await createTestApp();
  const demo = await createDemoData(t.db, PASSWORD);
  if (!demo.created) throw new Error("demo data not created");
  courseId = demo.courseId;
});
afterAll(() => t.close());

describe("health and pages", () => {
  test("GET /healthz answers ok once the database answers", async () => {
    const res = await request(t.app).get("/healthz").expect(200);
    expect(res.body).toEqual({ status: "ok" });
  });

  test("the sign-in page has a CSRF token and security headers", async () => {
    const res = await request(t.app).get("/signin").expect(200);
    expect(res.text).toContain("Sign in");
    expect(csrfFrom(res.text)).toMatch(/\S{20,}/);
    expect(res.headers["content-security-policy"]).toContain("script-src 'self'");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["x-powered-by"]).toBeUndefined();
  });

  test("anonymous visitors are sent to sign in", async () => {
    const res = await request(t.app).get("/courses").expect(303);
    expect(res.headers.location).toBe("/signin?next=%2Fcourses");
  });

  test("an unknown page is a friendly 404 without a stack trace", async () => {
    const res = await request(t.app).get("/nope").set("Accept", "text/html").expect(404);
    expect(res.text).toContain("Not found");
    expect(res.text).not.toMatch(/\n\s+at /);
  });
});

describe("sign-in with sessions", () => {
  test("an instructor lands on their courses, a student on their assignments", async () => {
    const agent = await signInAgent(t.app, "instructor@example.edu", PASSWORD);
    const courses = await agent.get("/courses").expect(200);
    expect(courses.text).toContain("ML101");
    const landing = await agent.get("/").expect(303);
    expect(landing.headers.location).toBe("/courses");

    const student = await signInAgent(t.app, "student1@example.edu", PASSWORD);
    const home = await student.get("/").expect(303);
    expect(home.headers.location).toBe("/assignments");
  });

  test("a wrong password shows a friendly message with 401", async () => {
    const agent = request.agent(t.app);
    const page = await agent.get("/signin");
    const res = await agent
      .post("/signin")
      .type("form")
      .send({ email: "student2@example.edu", password: "wrong-password", _csrf: csrfFrom(page.text) })
      .expect(401);
    expect(res.text).toContain("do not match an account");
    expect(res.text).toContain('value="student2@example.edu"');
  });

  test("a form posted without its CSRF token is refused", async () => {
    const agent = request.agent(t.app);
    await agent.get("/signin");
    const res = await agent.post("/signin").type("form").send({ email: "student1@example.edu", password: PASSWORD });
    expect(res.status).toBe(403);
    const forged = await agent.post("/signin").type("form").send({ email: "student1@example.edu", password: PASSWORD, _csrf: "x".repeat(43) });
    expect(forged.status).toBe(403);
  });

  test("sign-in issues a new session id and sign-out invalidates it", async () => {
    const agent = request.agent(t.app);
    const page = await agent.get("/signin");
    const res = await agent.post("/signin").type("form").send({ email: "student3@example.edu", password: PASSWORD, _csrf: csrfFrom(page.text) }).expect(303);
    const cookie = res.headers["set-cookie"] as unknown as string[];
    const sid = cookie.find((c) => c.startsWith("likely_sid="))!;
    expect(sid).toMatch(/HttpOnly/);
    expect(sid).toMatch(/SameSite=Lax/);
    const sidValue = sid.split(";")[0]!;

    const again = await agent.get("/signin").expect(303); // already signed in
    expect(again.headers.location).toBe("/assignments");
    const home = await agent.get("/assignments").expect(200);
    await agent.post("/signout").type("form").send({ _csrf: csrfFrom(home.text) }).expect(303);
    // The old cookie no longer opens anything, even if replayed.
    const replay = await request(t.app).get("/assignments").set("Cookie", sidValue);
    expect(replay.status).toBe(303);
    expect(replay.headers.location).toMatch(/^\/signin/);
  });
});

describe("rate limiting", () => {
  test("the 6th wrong password within a minute is refused with 429, on the API and the page", async () => {
    for (let i = 0; i < 5; i++) {
      await request(t.app).post("/api/v1/tokens").send({ email: "student3@example.edu", password: "bad-" + i }).expect(401);
    }
    const sixth = await request(t.app).post("/api/v1/tokens").send({ email: "student3@example.edu", password: PASSWORD });
    expect(sixth.status).toBe(429);
    expect(sixth.body.error).toMatch(/Too many sign-in attempts/);

    // The page half from another address: limits hold per account and address, so student1 signs in from the usual address later on.
    const agent = request.agent(t.app);
    const page = await agent.get("/signin");
    const csrf = csrfFrom(page.text);
    for (let i = 0; i < 5; i++) {
      await agent.post("/signin").set("X-Forwarded-For", "10.9.9.9").type("form").send({ email: "student1@example.edu", password: "nope" + i, _csrf: csrf }).expect(401);
    }
    const refused = await agent.post("/signin").set("X-Forwarded-For", "10.9.9.9").type("form").set("Accept", "text/html").send({ email: "student1@example.edu", password: "nope", _csrf: csrf });
    expect(refused.status).toBe(429);
    expect(refused.text).toContain("Too many sign-in attempts");
  });
});

describe("JSON API: tokens, me, courses, roster", () => {
  test("tokens: 201 with the user, 401 on wrong credentials, 400 naming the field", async () => {
    const ok = await request(t.app).post("/api/v1/tokens").send({ email: "instructor@example.edu", password: PASSWORD }).expect(201);
    expect(ok.body.token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(ok.body.user).toEqual({ id: expect.any(Number), email: "instructor@example.edu", name: "Ida Instructor", role: "instructor" });
    const bad = await request(t.app).post("/api/v1/tokens").send({ email: "nobody@example.edu", password: "whatever1" }).expect(401);
    expect(bad.body).toEqual({ error: "wrong email or password" });
    const invalid = await request(t.app).post("/api/v1/tokens").send({ email: "not-an-email", password: "x" }).expect(400);
    expect(invalid.body.error).toMatch(/^email: /);
    const notJson = await request(t.app).post("/api/v1/tokens").set("Content-Type", "application/json").send("{oops").expect(400);
    expect(notJson.body.error).toBe("request body is not valid JSON");
  });

  test("me and courses need a valid bearer token", async () => {
    await request(t.app).get("/api/v1/me").expect(401);
    await request(t.app).get("/api/v1/me").set("Authorization", "Bearer " + "a".repeat(43)).expect(401);
    const token = await tokenFor(t.app, "student1@example.edu", PASSWORD);
    const me = await request(t.app).get("/api/v1/me").set("Authorization", `Bearer ${token}`).expect(200);
    expect(me.body).toMatchObject({ email: "student1@example.edu", role: "student" });
    const courses = await request(t.app).get("/api/v1/courses").set("Authorization", `Bearer ${token}`).expect(200);
    expect(courses.body).toEqual([{ id: courseId, code: "ML101", title: expect.any(String), role: "student" }]);
  });

  test("roster import creates and enrols; re-importing is harmless; students get 404", async () => {
    const token = await tokenFor(t.app, "instructor@example.edu", PASSWORD);
    const auth = { Authorization: `Bearer ${token}` };
    const body = {
      students: [
        { email: "New.One@example.edu", name: "New One", password: "password-one" },
        { email: "new2@example.edu", name: "New Two" },
        { email: "student1@example.edu", name: "Already Here" },
      ],
    };
    const first = await request(t.app).post(`/api/v1/courses/${courseId}/students`).set(auth).send(body).expect(201);
    expect(first.body).toMatchObject({ created: 2, enrolled: 2 });
    expect(first.body.setupLinks).toEqual([
      { email: "new.one@example.edu", name: "New One", path: expect.stringMatching(/^\/welcome\/[A-Za-z0-9_-]{43}$/) },
      { email: "new2@example.edu", name: "New Two", path: expect.stringMatching(/^\/welcome\/[A-Za-z0-9_-]{43}$/) },
    ]);
    expect(first.body).not.toHaveProperty("passwords");
    const again = await request(t.app).post(`/api/v1/courses/${courseId}/students`).set(auth).send(body).expect(201);
    expect(again.body).toMatchObject({ created: 0, enrolled: 0, setupLinks: [] });
    // The given password works; the account without one has no password until its holder uses the link.
    await tokenFor(t.app, "new.one@example.edu", "password-one");
    const agent = request.agent(t.app);
    const welcome = await agent.get(first.body.setupLinks[1].path).expect(200);
    expect(welcome.text).toContain("Choose the password for <strong>new2@example.edu</strong>");
    await agent.post(first.body.setupLinks[1].path).type("form").send({ _csrf: csrfFrom(welcome.text), password: "chosen-by-me-2", confirm: "chosen-by-me-2" }).expect(303);
    await tokenFor(t.app, "new2@example.edu", "chosen-by-me-2");
    await agent.get(first.body.setupLinks[1].path).expect(404); // spent

    const studentToken = await tokenFor(t.app, "student1@example.edu", PASSWORD);
    const asStudent = await request(t.app).post(`/api/v1/courses/${courseId}/students`).set("Authorization", `Bearer ${studentToken}`).send(body);
    expect(asStudent.status).toBe(404);
    expect(asStudent.body).toEqual({ error: "course not found" });
    const missing = await request(t.app).post(`/api/v1/courses/99999/students`).set(auth).send(body);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual(asStudent.body);

    const invalid = await request(t.app).post(`/api/v1/courses/${courseId}/students`).set(auth).send({ students: [{ email: "x@example.edu" }] }).expect(400);
    expect(invalid.body.error).toMatch(/^students\.0\.name: /);
  });
});
