/**
 * Hostile HTML forms (issue 13, finding 21 and its siblings): every form route of the pages, posted
 * with each field repeated (urlencoded `a=1&a=2` arrives as an array) and with over-long values,
 * answers a clear 4xx or its normal answer, never a 5xx or a stack trace.
 */
import request from "supertest";
import { listRoutes } from "../support/routes";
import { allTokens, as, PASSWORD, twoCourses } from "../support/fixtures";
import { createTestApp, csrfFrom, signInAgent, type TestApp } from "../support/test-app";

let t: TestApp;
let courseId: number;
let assignmentId: number;
let itemId: number;
let studentId: number;
let quizId: number;

beforeAll(async () => {
  t = await createTestApp({ LIKELY_SUBMIT_LIMIT_PER_MINUTE: "0" });
  ({ courseId } = await twoCourses(t.db));
  const tok = await allTokens(t.app);
  assignmentId = (await as(t.app, tok.instructor).post(`/api/v1/courses/${courseId}/assignments`, { title: "Forms", kind: "homework", items: [{ exercise: "gaussian-mle" }] }).expect(201)).body.id;
  itemId = (await as(t.app, tok.student1).get(`/api/v1/assignments/${assignmentId}`).expect(200)).body.items[0].itemId;
  studentId = (await as(t.app, tok.student1).get("/api/v1/me").expect(200)).body.id;
  quizId = (await as(t.app, tok.instructor).post(`/api/v1/courses/${courseId}/quizzes`, { title: "Q", items: [{ exercise: "bernoulli-mle" }] }).expect(201)).body.id;
});
afterAll(() => t.close());

/** Every field name any form of the pages reads. */
const FIELDS = [
  "email", "password", "next", "code", "title", "roster", "action", "assignmentId", "extraAttempts", "dueAt", "opensAt", "kind",
  "maxAttempts", "revealPolicy", "scorePolicy", "item0_exercise", "item0_params", "item0_points", "item0_rtol", "item0_atol",
  "secondsPerQuestion", "data", "exercise1", "params1", "part_mean", "part_variance", "idempotencyKey",
];

function fill(path: string): string {
  return path
    .replace(":courseId", String(courseId))
    .replace(":userId", String(studentId))
    .replace(":itemId", String(itemId))
    .replace(/^\/quizzes\/:id/, `/quizzes/${quizId}`)
    .replace(/^\/quiz\/:id/, `/quiz/${quizId}`)
    .replace(":id", String(assignmentId));
}

/** A urlencoded body with a valid CSRF token once and `fields` as given (repeated names allowed). */
function body(csrf: string, fields: [string, string][]): string {
  return [["_csrf", csrf], ...fields].map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&");
}

const plausible: Record<string, string> = {
  email: "student1@example.edu", password: PASSWORD, code: "ABCD23", title: "A title", kind: "homework", item0_exercise: "gaussian-mle",
  assignmentId: "1", extraAttempts: "1", dueAt: "2030-01-01T10:00", maxAttempts: "3", secondsPerQuestion: "60", exercise1: "bernoulli-mle",
  part_mean: "1", part_variance: "2", roster: "email,name\nx@example.edu,X",
};

test("sign-in: a repeated field or a 300-character e-mail is a 400 page naming the field, not a 500", async () => {
  const agent = request.agent(t.app);
  const csrf = csrfFrom((await agent.get("/signin").expect(200)).text);
  const repeated = await agent.post("/signin").type("form").send(body(csrf, [["email", "a@example.edu"], ["email", "b@example.edu"], ["password", "x"]]));
  expect(repeated.status).toBe(400);
  expect(repeated.text).toMatch(/form field &quot;email&quot; was sent more than once/);
  const long = await agent.post("/signin").type("form").send(body(csrf, [["email", `${"a".repeat(290)}@example.edu`], ["password", "whatever-password"]]));
  expect(long.status).toBe(400);
  expect(long.text).toMatch(/Email: at most 254 characters/);
  const longPassword = await agent.post("/signin").type("form").send(body(csrf, [["email", "a@example.edu"], ["password", "p".repeat(300)]]));
  expect(longPassword.status).toBe(400);
  // The page still signs in with the right credentials afterwards.
  await agent.post("/signin").type("form").send(body(csrf, [["email", "student3@example.edu"], ["password", PASSWORD]])).expect(303);
});

describe.each([
  ["instructor", "instructor@example.edu"],
  ["student", "student2@example.edu"],
])("every form route, signed in as %s", (_who, email) => {
  test("repeated and over-long fields never answer 5xx", async () => {
    const agent = await signInAgent(t.app, email, PASSWORD);
    const csrf = csrfFrom((await agent.get("/courses").expect(200)).text);
    const routes = listRoutes(t.app).filter((r) => r.method === "post" && !r.path.startsWith("/api/") && !/\/(signin|signout)$/.test(r.path));
    expect(routes.length).toBeGreaterThan(10);
    const failures: string[] = [];
    for (const route of routes) {
      const path = fill(route.path);
      const variants: [string, [string, string][]][] = [
        ["repeated", FIELDS.flatMap((f) => [[f, plausible[f] ?? "1"], [f, plausible[f] ?? "2"]] as [string, string][])],
        ["long", FIELDS.map((f) => [f, (plausible[f] ?? "x") + "9".repeat(3000)] as [string, string])],
        ["plausible", FIELDS.map((f) => [f, plausible[f] ?? ""] as [string, string])],
      ];
      for (const [kind, fields] of variants) {
        const res = await agent.post(path).type("form").set("Accept", "text/html").send(body(csrf, fields));
        if (res.status >= 500 || /\n\s+at /.test(res.text)) failures.push(`${kind} ${route.path} -> ${res.status}`);
        // A repeated field is never read as "missing" or coerced: refused, naming the field.
        if (kind === "repeated" && (res.status !== 400 || !/was sent more than once/.test(res.text))) failures.push(`repeated ${route.path} -> ${res.status}, not the repeated-field 400`);
      }
    }
    expect(failures).toEqual([]);
  });
});

test("every page's query string, with each parameter repeated or over-long, never answers 5xx", async () => {
  const agent = await signInAgent(t.app, "instructor@example.edu", PASSWORD);
  const names = ["next", "sort", "dir", "seed", "params", "code", "result", "joined", "saved", "created", "signedout"];
  const routes = listRoutes(t.app).filter((r) => r.method === "get" && !r.path.startsWith("/api/") && !/events$/.test(r.path));
  const failures: string[] = [];
  for (const route of routes) {
    for (const query of [names.map((n) => `${n}=1&${n}=2`).join("&"), names.map((n) => `${n}=${"9".repeat(3000)}`).join("&")]) {
      const res = await agent.get(`${fill(route.path).replace(":slug", "gaussian-mle").replace(":format", "json")}?${query}`).set("Accept", "text/html");
      if (res.status >= 500 || /\n\s+at /.test(res.text)) failures.push(`${route.path} -> ${res.status}`);
    }
  }
  expect(failures).toEqual([]);
});

test("roster upload (page): an e-mail address over 254 characters is refused, like the API and the sign-in form do", async () => {
  const agent = await signInAgent(t.app, "instructor@example.edu", PASSWORD);
  const csrf = csrfFrom((await agent.get(`/courses/${courseId}/students`).expect(200)).text);
  const long = `${"a".repeat(290)}@example.edu`;
  const res = await agent.post(`/courses/${courseId}/students`).type("form").send({ _csrf: csrf, roster: `email,name\nok@example.edu,Ok\n${long},Long` });
  expect(res.status).toBe(400);
  expect(res.text).toContain("Line 3: the email address is longer than 254 characters.");
  expect(await t.db.user.count({ where: { email: { in: [long, "ok@example.edu"] } } })).toBe(0);
});
