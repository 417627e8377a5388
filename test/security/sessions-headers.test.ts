/**
 * Sessions and headers: sign-in rotates the session id (a planted cookie is useless), sign-out
 * invalidates it, cookies are HttpOnly and SameSite, security headers are on every kind of response
 * (pages, API, error pages, static files, health), and a server error never shows a stack trace.
 */
import request from "supertest";
import { PASSWORD, twoCourses } from "../support/fixtures";
import { createTestApp, csrfFrom, signInAgent, type TestApp } from "../support/test-app";

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
  await twoCourses(t.db);
});
afterAll(() => t.close());

function cookies(res: request.Response): string[] {
  return (res.headers["set-cookie"] as unknown as string[] | undefined) ?? [];
}

test("a session id planted before sign-in is replaced by a fresh one, and opens nothing", async () => {
  const planted = "attacker-chosen-value-0123456789abcdefghij";
  const page = await request(t.app).get("/signin");
  const csrfCookie = cookies(page).find((c) => c.startsWith("likely_csrf="))!.split(";")[0]!;
  const res = await request(t.app)
    .post("/signin")
    .set("Cookie", `${csrfCookie}; likely_sid=${planted}`)
    .type("form")
    .send({ email: "student1@example.edu", password: PASSWORD, _csrf: csrfFrom(page.text) })
    .expect(303);
  const issued = cookies(res).find((c) => c.startsWith("likely_sid="))!.split(";")[0]!.slice("likely_sid=".length);
  expect(issued).not.toBe(planted);
  expect(issued).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect((await request(t.app).get("/assignments").set("Cookie", `likely_sid=${planted}`)).status).toBe(303);
  expect((await request(t.app).get("/assignments").set("Cookie", `likely_sid=${issued}`)).status).toBe(200);
});

test("each sign-in gets a new session id; sign-out ends it for good", async () => {
  const ids: string[] = [];
  for (let i = 0; i < 2; i++) {
    const agent = request.agent(t.app);
    const page = await agent.get("/signin");
    const res = await agent.post("/signin").type("form").send({ email: "student2@example.edu", password: PASSWORD, _csrf: csrfFrom(page.text) }).expect(303);
    const sid = cookies(res).find((c) => c.startsWith("likely_sid="))!;
    expect(sid).toMatch(/HttpOnly/i);
    expect(sid).toMatch(/SameSite=Lax/i);
    expect(sid).toMatch(/Path=\//);
    ids.push(sid.split(";")[0]!);
    if (i === 1) {
      const home = await agent.get("/assignments").expect(200);
      const out = await agent.post("/signout").type("form").send({ _csrf: csrfFrom(home.text) }).expect(303);
      expect(cookies(out).some((c) => /^likely_sid=;/.test(c))).toBe(true);
      expect((await request(t.app).get("/assignments").set("Cookie", ids[1]!)).status).toBe(303);
    }
  }
  expect(ids[0]).not.toBe(ids[1]);
  // The first session is independent and still valid (two devices).
  expect((await request(t.app).get("/assignments").set("Cookie", ids[0]!)).status).toBe(200);
});

test("the pre-sign-in CSRF cookie is HttpOnly and SameSite too", async () => {
  const res = await request(t.app).get("/signin");
  const c = cookies(res).find((x) => x.startsWith("likely_csrf="))!;
  expect(c).toMatch(/HttpOnly/i);
  expect(c).toMatch(/SameSite=Lax/i);
});

describe("security headers on every kind of response", () => {
  const cases: [string, () => request.Test][] = [
    ["page", () => request(t.app).get("/signin")],
    ["redirect", () => request(t.app).get("/courses")],
    ["404 page", () => request(t.app).get("/no-such-page").set("Accept", "text/html")],
    ["static file", () => request(t.app).get("/static/css/likely.css")],
    ["missing static file", () => request(t.app).get("/static/nope.css")],
    ["KaTeX stylesheet", () => request(t.app).get("/static/katex/katex.min.css")],
    ["API JSON", () => request(t.app).get("/api/v1/me")],
    ["API 404", () => request(t.app).get("/api/v1/nothing-here")],
    ["health", () => request(t.app).get("/healthz")],
  ];
  test.each(cases)("%s", async (_name, make) => {
    const res = await make();
    expect(res.status).toBeLessThan(500);
    expect(res.headers["content-security-policy"]).toMatch(/default-src 'self'/);
    expect(res.headers["content-security-policy"]).toMatch(/frame-ancestors 'self'/);
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["x-frame-options"]).toBe("SAMEORIGIN");
    expect(res.headers["referrer-policy"]).toBe("no-referrer");
    expect(res.headers["cross-origin-opener-policy"]).toBe("same-origin");
    expect(res.headers["x-powered-by"]).toBeUndefined();
  });
});

test("a server error is a plain 500 page or JSON, with headers and without a stack trace", async () => {
  const broken = await createTestApp();
  try {
    // A real fault: the sessions table disappears under the running app.
    await broken.db.$executeRawUnsafe(`DROP TABLE "Session"`);
    const agent = request.agent(broken.app);
    const page = await agent.get("/signin").set("Cookie", "likely_sid=whatever-value").set("Accept", "text/html");
    expect(page.status).toBe(500);
    expect(page.text).toContain("Something went wrong on our side");
    expect(page.text).not.toMatch(/\n\s+at |Session|SQLITE|prisma/i);
    expect(page.headers["content-security-policy"]).toBeDefined();

    await broken.db.$executeRawUnsafe(`DROP TABLE "ApiToken"`);
    const api = await request(broken.app).get("/api/v1/me").set("Authorization", "Bearer " + "a".repeat(43));
    expect(api.status).toBe(500);
    expect(api.body).toEqual({ error: "Something went wrong on our side. The error was logged; please try again." });
  } finally {
    await broken.close();
  }
});
