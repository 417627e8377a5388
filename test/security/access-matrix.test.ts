/**
 * Access control matrix: every route of the app (found by walking the router), called by each
 * role with the ids of student A's data. The only answers allowed are the caller's own data (for
 * routes listed as shared with that role, checked to carry none of A's private values) or a
 * response identical to the one for a missing id.
 */
import request from "supertest";
import { upsertExtension } from "../../src/db/extensions";
import { allTokens, as, PASSWORD, twoCourses, type Tokens } from "../support/fixtures";
import { leakedForms } from "../support/key-leak";
import { listRoutes, type RouteInfo } from "../support/routes";
import { createTestApp, signInAgent, tokenFor, type TestApp } from "../support/test-app";
import { createAccount } from "../../src/auth/create-account";

let t: TestApp;
let tok: Tokens;
const ids: Record<string, string> = {};
const MISSING = "99999999";
/** A's private values: a distinctive wrong answer A typed, A's email, A's key in several formats. */
let markers: string[] = [];
let keyOfA: Record<string, unknown>;
let adminToken: string;
let dataOfA: unknown;

type Role = "anonymous" | "studentB" | "otherStudent" | "otherInstructor" | "admin";
type Agent = Awaited<ReturnType<typeof signInAgent>> | ReturnType<typeof request.agent>;
const agents: Partial<Record<Role, Agent>> = {};

// Routes a role may call with A's ids because they are shared with that role: the answer must be
// the caller's own view (checked for A's markers), not a 404.
const SHARED: Record<Role, RegExp[]> = {
  anonymous: [],
  studentB: [
    /^get \/api\/v1\/courses\/:courseId\/assignments$/,
    /^get \/api\/v1\/assignments\/:id$/,
    /^get \/assignments\/:id$/,
    /^get \/assignments\/:id\/items\/:itemId$/,
    /^get \/courses\/:courseId$/, // a member is sent to their own assignments
  ],
  otherStudent: [],
  // The catalogue preview belongs to every instructor; it shows no student's data.
  otherInstructor: [/^get \/catalogue\/:slug$/],
  // An admin manages accounts (A's role included) but is no member of A's course: nothing else.
  admin: [/^post \/admin\/users\/:userId\/role$/],
};

/** Admin pages: the admin account role only; every other signed-in role gets a plain 404. */
const ADMIN_ONLY = /^\/admin(\/|$)/;

// Routes without ids (listings of one's own things, sign-in, static files): nothing to compare.
const NO_IDS = /^\/(api\/v1\/(tokens|me|me\/password|courses|quiz-join)|signin|signout|account|account\/password|account\/signout-everywhere|courses|courses\/new|assignments|join|quiz|quiz\/join|catalogue|healthz|admin|admin\/users|\.well-known\/jwks\.json|lti\/(config\.json|continue|login|launch|register|resume|deep-link)|admin\/lti(\/platforms)?|)$/;

function fill(path: string, missing: boolean): string {
  const id = (name: string) => (missing ? (name === "slug" ? "no-such-exercise" : MISSING) : ids[name]!);
  return path
    .replace(/\/(variants)\/:id/, () => `/variants/${id("variant")}`)
    .replace(/^\/practice\/:id/, () => `/practice/${id("practice")}`)
    .replace(/\/(assignments)\/:id/, () => `/assignments/${id("assignment")}`)
    .replace(/\/(quizzes|quiz)\/:id/, (_m, p) => `/${p}/${id("quiz")}`)
    .replace(":courseId", () => id("course"))
    .replace(":itemId", () => id("item"))
    .replace(":userId", () => id("user"))
    .replace(":slug", () => (missing ? "no-such-exercise" : "gaussian-mle"))
    .replace(":format", "csv");
}

function normalize(text: string, path: string): string {
  return text
    .replace(/name="_csrf" value="[^"]+"/g, "")
    .replace(/<meta name="csrf-token" content="[^"]+">/g, "")
    .split(encodeURIComponent(path)).join("PATH")
    .split(path).join("PATH");
}

async function call(role: Role, r: RouteInfo, path: string) {
  const body = { answers: { mean: 1, variance: 1 }, index: 0, code: "ABCDEF", title: "x", kind: "homework", items: [{ exercise: "gaussian-mle" }], students: [{ email: "z@example.edu", name: "Z" }] };
  if (path.startsWith("/api/")) {
    const token = role === "anonymous" ? undefined : role === "admin" ? adminToken : tok[role === "studentB" ? "student2" : role];
    const req = r.method === "get" ? request(t.app).get(path) : request(t.app).post(path).send(body);
    if (token) req.set("Authorization", `Bearer ${token}`);
    return req.timeout(3000);
  }
  const agent = agents[role]!;
  return (r.method === "get" ? agent.get(path) : agent.post(path).type("form").send({ title: "x" })).set("Accept", "text/html").timeout(3000);
}

beforeAll(async () => {
  t = await createTestApp({ LIKELY_SUBMIT_LIMIT_PER_MINUTE: "0" });
  const { courseId } = await twoCourses(t.db);
  tok = await allTokens(t.app);
  const created = await as(t.app, tok.instructor).post(`/api/v1/courses/${courseId}/assignments`, { title: "Matrix", kind: "homework", maxAttempts: 5, practice: "always", items: [{ exercise: "gaussian-mle" }] }).expect(201);
  const view = await as(t.app, tok.student1).get(`/api/v1/assignments/${created.body.id}`).expect(200);
  const item = view.body.items[0];
  await as(t.app, tok.student1).post(`/api/v1/variants/${item.variantId}/submissions`, { answers: { mean: "1234.56789", variance: "8765.4321" } }).expect(201);
  await as(t.app, tok.student2).get(`/api/v1/assignments/${created.body.id}`).expect(200); // B has a variant of their own
  // A practises too: the practice page and its solution are A's alone.
  const practice = (await as(t.app, tok.student1).post(`/api/v1/variants/${item.variantId}/practice`).expect(201)).body.variantId as number;
  await as(t.app, tok.student1).post(`/api/v1/variants/${practice}/submissions`, { answers: { mean: "4321.98765", variance: "1" } }).expect(201);

  const quiz = await as(t.app, tok.instructor).post(`/api/v1/courses/${courseId}/quizzes`, { title: "Matrix quiz", items: [{ exercise: "gaussian-mle" }], secondsPerQuestion: 600 }).expect(201);
  const { joinCode } = (await as(t.app, tok.instructor).post(`/api/v1/quizzes/${quiz.body.id}/start`).expect(200)).body;
  await as(t.app, tok.student1).post(`/api/v1/quiz-join`, { code: joinCode }).expect(200);
  await as(t.app, tok.instructor).post(`/api/v1/quizzes/${quiz.body.id}/next`).expect(200);

  const a = await t.db.user.findUniqueOrThrow({ where: { email: "student1@example.edu" } });
  // An audit entry naming A (an extension), so the audit page and API carry A's email.
  await upsertExtension(t.db, { assignmentId: created.body.id, userId: a.id, dueAt: null, extraAttempts: 2 });
  Object.assign(ids, { course: String(courseId), assignment: String(created.body.id), item: String(item.itemId), variant: String(item.variantId), practice: String(practice), user: String(a.id), quiz: String(quiz.body.id) });
  const key = await as(t.app, tok.instructor).get(`/api/v1/variants/${item.variantId}/key`).expect(200);
  keyOfA = key.body.key;
  dataOfA = item.data;
  markers = ["1234.56789", "8765.4321", "4321.98765", "student1@example.edu", JSON.stringify(item.data).slice(1, 40)];

  agents.anonymous = request.agent(t.app);
  agents.studentB = await signInAgent(t.app, "student2@example.edu", PASSWORD);
  agents.otherStudent = await signInAgent(t.app, "other.student@example.edu", PASSWORD);
  agents.otherInstructor = await signInAgent(t.app, "other.instructor@example.edu", PASSWORD);
  await createAccount(t.db, { email: "site.admin@example.edu", name: "Sam Admin", role: "admin", password: PASSWORD });
  agents.admin = await signInAgent(t.app, "site.admin@example.edu", PASSWORD);
  adminToken = await tokenFor(t.app, "site.admin@example.edu", PASSWORD);
});
afterAll(() => t.close());

test("the route inventory covers the API and the pages", () => {
  const routes = listRoutes(t.app).map((r) => `${r.method} ${r.path}`);
  expect(routes.length).toBeGreaterThan(50);
  for (const r of ["post /api/v1/variants/:id/submissions", "get /api/v1/variants/:id/key", "get /variants/:id/data.:format", "get /courses/:courseId/gradebook", "get /api/v1/quizzes/:id/current", "get /quizzes/:id/present",
    "get /courses/:courseId/audit", "get /courses/:courseId/audit.csv", "get /api/v1/courses/:courseId/audit", "post /courses/:courseId/students/:userId/password", "post /api/v1/courses/:courseId/students/:userId/password", "get /admin/users", "post /admin/users/:userId/role",
    "post /api/v1/variants/:id/practice", "get /api/v1/variants/:id/practice", "get /api/v1/variants/:id/solution", "post /variants/:id/practice", "get /practice/:id", "post /practice/:id"]) {
    expect(routes).toContain(r);
  }
});

const roles: Role[] = ["anonymous", "studentB", "otherStudent", "otherInstructor", "admin"];

test.each(roles)("%s sees A's data nowhere, and A's ids answer like missing ones", async (role) => {
  const problems: string[] = [];
  const checked: string[] = [];
  for (const r of listRoutes(t.app)) {
    if (NO_IDS.test(r.path) || r.path.startsWith("/static")) continue;
    const label = `${r.method} ${r.path}`;
    const shared = SHARED[role].some((re) => re.test(label));
    if (shared && r.method === "post") continue;
    const path = fill(r.path, false);
    const res = await call(role, r, path);
    checked.push(label);
    const text = res.text ?? "";
    for (const m of markers) if (text.includes(m)) problems.push(`${label}: contains A's value ${m}`);
    // 6 significant digits: these pages show other variants, whose numbers may match a short rounding of A's key.
    for (const f of leakedForms(text, keyOfA, dataOfA, 6)) problems.push(`${label}: contains A's key ${f}`);
    if (shared) {
      if (res.status >= 400) problems.push(`${label}: shared route answered ${res.status}`);
      continue;
    }
    const missingPath = fill(r.path, true);
    const missing = await call(role, r, missingPath);
    if (res.status !== missing.status) problems.push(`${label}: ${res.status} for A's id but ${missing.status} for a missing id`);
    else if (normalize(text, path) !== normalize(missing.text ?? "", missingPath)) problems.push(`${label}: body differs from a missing id's`);
    if (res.status >= 200 && res.status < 300) problems.push(`${label}: answered ${res.status} with A's ids`);
  }
  expect(problems).toEqual([]);
  expect(checked.length).toBeGreaterThan(40);
});

test("the owner and the course instructor do get the data (the matrix is not vacuous)", async () => {
  const owner = await signInAgent(t.app, "student1@example.edu", PASSWORD);
  expect((await owner.get(fill("/variants/:id/data.:format", false))).status).toBe(200);
  const mine = await as(t.app, tok.student1).get(`/api/v1/assignments/${ids.assignment}`).expect(200);
  expect(JSON.stringify(mine.body)).toContain(markers[markers.length - 1]);
  const instructor = await signInAgent(t.app, "instructor@example.edu", PASSWORD);
  const record = await instructor.get(fill("/courses/:courseId/students/:userId", false)).expect(200);
  expect(record.text).toContain("1234.56789");
  expect((await as(t.app, tok.instructor).get(`/api/v1/variants/${ids.variant}/key`)).status).toBe(200);
  // A's practice: the page, its solution (any time) and a fresh one are A's.
  expect((await owner.get(`/practice/${ids.practice}`).expect(200)).text).toContain("Practice · no stakes");
  expect((await as(t.app, tok.student1).get(`/api/v1/variants/${ids.practice}/solution`)).status).toBe(200);
  expect((await as(t.app, tok.student1).get(`/api/v1/variants/${ids.practice}/practice`)).status).toBe(200);
  // The audit trail (page, CSV, API) is the course instructors': it names A.
  for (const path of ["/courses/:courseId/audit", "/courses/:courseId/audit.csv"]) expect((await instructor.get(fill(path, false)).expect(200)).text).toContain("student1@example.edu");
  const audit = await as(t.app, tok.instructor).get(fill("/api/v1/courses/:courseId/audit", false)).expect(200);
  expect(audit.body.entries.some((e: { student: { email: string } | null }) => e.student?.email === "student1@example.edu")).toBe(true);
});

test("admin pages: the admin gets every one, other roles a 404 like a missing page, anonymous the sign-in page", async () => {
  const pages = listRoutes(t.app).filter((r) => r.method === "get" && ADMIN_ONLY.test(r.path));
  expect(pages.map((r) => r.path)).toEqual(expect.arrayContaining(["/admin", "/admin/users"]));
  const seen: string[] = [];
  for (const r of pages) {
    const path = fill(r.path, false);
    seen.push(`admin ${(await agents.admin!.get(path).set("Accept", "text/html")).status}`);
    seen.push(`anonymous ${(await agents.anonymous!.get(path).set("Accept", "text/html")).status}`);
    for (const role of ["studentB", "otherStudent", "otherInstructor"] as const) {
      const res = await agents[role]!.get(path).set("Accept", "text/html");
      const missing = await agents[role]!.get("/no-such-page").set("Accept", "text/html");
      seen.push(`${role} ${res.status}${res.text === missing.text ? "" : " (differs from a missing page)"}`);
    }
  }
  const expected = pages.flatMap(() => ["admin 200", "anonymous 303", "studentB 404", "otherStudent 404", "otherInstructor 404"]);
  expect(seen).toEqual(expected);
  // The course instructor of A is no admin either.
  const instructor = await signInAgent(t.app, "instructor@example.edu", PASSWORD);
  expect((await instructor.get("/admin/users").set("Accept", "text/html")).status).toBe(404);
});
