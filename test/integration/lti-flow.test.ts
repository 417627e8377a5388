/**
 * LTI 1.3 end to end against the fake LMS (test/support/fake-lms.ts): registration by the CLI, the
 * instructor's deep linking of two assignments, a student's launch, a submission through the page
 * and the score arriving at the LMS's Moodle-style line item.
 */
import { startLiveServer } from "../support/live-server";
import { FakeLms, SCORE_TYPE } from "../../bench/lib/fake-lms";
import { Browserish, formFields, launchThrough } from "../../bench/lib/lti-client";
import { addPlatformArgs, deepLinkAssignments, learner, runLtiCli, studentLaunch, submitThroughPage, TEACHER, waitFor } from "../support/lti-setup";

jest.setTimeout(60_000);

let server: Awaited<ReturnType<typeof startLiveServer>>;
let fake: FakeLms;

beforeAll(async () => {
  server = await startLiveServer();
  fake = await new FakeLms().start();
  fake.useTool(server.url);
});
afterAll(async () => {
  await server?.close();
  await fake?.close();
});

test("likely lti add-platform registers the platform and prints the URLs to paste; platforms lists it", async () => {
  const out = await runLtiCli(server.databaseUrl, addPlatformArgs(fake), { PORT: String(new URL(server.url).port) });
  expect(out.stderr).toBe("");
  expect(out.code).toBe(0);
  const printed = JSON.parse(out.stdout);
  expect(printed).toEqual({ platformId: expect.any(Number), loginUrl: `${server.url}/lti/login`, launchUrl: `${server.url}/lti/launch`, jwksUrl: `${server.url}/.well-known/jwks.json` });
  const list = JSON.parse((await runLtiCli(server.databaseUrl, ["platforms"])).stdout);
  expect(list).toHaveLength(1);
  expect(list[0]).toMatchObject({ issuer: fake.issuer, clientId: fake.clientId, deployments: [fake.deploymentId] });
  // Bad input: exit 2 and one line naming the flag.
  const bad = await runLtiCli(server.databaseUrl, ["add-platform", "--issuer", "not a url", "--client-id", "x", "--auth-url", fake.authUrl, "--token-url", fake.tokenUrl, "--jwks-url", fake.jwksUrl]);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/--issuer: issuer must be an absolute http\(s\) URL/);
});

test("the JWKS publishes public RSA parts only", async () => {
  const jwks = await (await fetch(`${server.url}/.well-known/jwks.json`)).json();
  expect(jwks.keys.length).toBeGreaterThanOrEqual(1);
  for (const k of jwks.keys) {
    expect(Object.keys(k).sort()).toEqual(["alg", "e", "kid", "kty", "n", "use"]);
    expect(k).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig" });
    expect(Buffer.from(k.n, "base64url").length).toBeGreaterThanOrEqual(256); // 2048 bits
  }
  const stored = await server.db.ltiKey.findFirstOrThrow();
  expect(stored.privateEnc).not.toMatch(/PRIVATE KEY/);
});

test("instructor deep-links two assignments: signed content items with line items; the LMS makes two columns", async () => {
  const items = await deepLinkAssignments(fake, server.url, 2);
  expect(fake.problems).toEqual([]);
  expect(items).toHaveLength(2);
  const course = await server.db.ltiContext.findFirstOrThrow({ include: { course: { include: { assignments: { include: { items: true } } } } } });
  expect(course.course.title).toBe("Statistical Learning");
  expect(course.course.assignments.length).toBeGreaterThanOrEqual(2); // the catalogue's default set
  for (const item of items) {
    const id = Number((item.custom as Record<string, string>).likely_assignment_id);
    const a = course.course.assignments.find((x) => x.id === id)!;
    expect(item).toMatchObject({
      type: "ltiResourceLink",
      url: `${server.url}/lti/launch`,
      title: a.title,
      custom: { likely_assignment_id: String(id) },
      lineItem: { scoreMaximum: a.items.reduce((s, i) => s + i.points, 0), label: a.title, resourceId: String(id) },
    });
  }
  expect(fake.deepLinkReturns[0]!.data).toBe("opaque-platform-data-7");
  expect(fake.lineItems).toHaveLength(2);
});

test("a student launch lands signed in on the assignment; a submission's score reaches the LMS line item", async () => {
  const { b, landed, assignmentId } = await studentLaunch(fake, server.url, 1);
  expect(landed.res.status).toBe(200);
  expect(new URL(landed.url).pathname).toBe(`/assignments/${assignmentId}`);
  const html = await landed.res.text();
  expect(html).toContain("Student 1");
  const userId = await submitThroughPage(b, server.url, server.db, assignmentId, true);
  const score = await waitFor("the score at the LMS", () => fake.scores.find((s) => s.body.userId === learner(1).sub));
  expect(fake.problems).toEqual([]);
  expect(score.contentType).toBe(SCORE_TYPE);
  expect(fake.issuedTokens.has(score.token)).toBe(true);
  expect(score.url).toMatch(/^\/mod\/lti\/services\.php\/42\/lineitems\/7\/lineitem\/scores\?type_id=2$/);
  const a = await server.db.assignment.findUniqueOrThrow({ where: { id: assignmentId }, include: { items: true } });
  const first = a.items.sort((x, y) => x.position - y.position)[0]!;
  expect(score.body).toMatchObject({ userId: learner(1).sub, scoreMaximum: a.items.reduce((s, i) => s + i.points, 0), gradingProgress: "FullyGraded" });
  expect(score.body.scoreGiven).toBeCloseTo(first.points, 6);
  expect(score.body.activityProgress).toBe(a.items.length === 1 ? "Completed" : "Submitted");
  let status = "";
  for (let i = 0; i < 50 && status !== "sent"; i++) {
    status = (await server.db.ltiScoreOutbox.findFirstOrThrow({ where: { userId } })).status; // marked just after the LMS answers
    if (status !== "sent") await new Promise((r) => setTimeout(r, 50));
  }
  expect(status).toBe("sent");
});

test("an LTI account has no password: the sign-in form refuses it", async () => {
  const user = await server.db.user.findFirstOrThrow({ where: { ltiUser: { sub: learner(1).sub } } });
  expect(user.passwordHash).toBe("");
  const b = new Browserish();
  const page = await b.fetch(`${server.url}/signin`);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  for (const password of ["", "x", " "]) {
    const res = await b.fetch(`${server.url}/signin`, { form: { email: user.email, password, _csrf: csrf } });
    expect(res.status).toBe(401);
  }
});

async function instructorBrowser() {
  const b = new Browserish();
  const item = fake.deepLinkReturns[0]!.items[0]!;
  const { res } = await launchThrough(b, fake, server.url, fake.resourceLaunch(TEACHER, fake.lineItems[0]!, item));
  expect(res.status).toBe(303);
  const ctx = await server.db.ltiContext.findFirstOrThrow();
  return { b, courseId: ctx.courseId };
}

test("the launch's session cookie works in an LMS frame; only registered platforms may frame Likely", async () => {
  const b = new Browserish();
  const item = fake.deepLinkReturns[0]!.items[0]!;
  const { res } = await launchThrough(b, fake, server.url, fake.resourceLaunch(learner(3), fake.lineItems[0]!, item));
  expect(res.status).toBe(303);
  const sid = b.lastSetCookies.find((c) => c.startsWith("likely_sid="))!;
  expect(sid).toMatch(/; SameSite=None/i);
  expect(sid).toMatch(/; Secure/i);
  expect(sid).toMatch(/; Partitioned/i);
  expect(sid).toMatch(/; HttpOnly/i);
  const page = await b.fetch(`${server.url}/assignments`);
  const csp = page.headers.get("content-security-policy")!;
  expect(/frame-ancestors ([^;]*)/.exec(csp)![1]!.split(" ").sort()).toEqual(["'self'", fake.origin].sort());
  expect(page.headers.get("x-frame-options")).toBeNull();
});

test("a permanent refusal is kept with the LMS's message; the instructor sees it and 'retry now' delivers it", async () => {
  fake.scoreFailure = { status: 400, until: Number.POSITIVE_INFINITY, body: "User is not enrolled and gradable" };
  const { b, assignmentId } = await studentLaunch(fake, server.url, 2);
  const userId = await submitThroughPage(b, server.url, server.db, assignmentId, false);
  let row = null;
  for (let i = 0; i < 100 && !row; i++) {
    row = await server.db.ltiScoreOutbox.findFirst({ where: { userId, status: "failed" } });
    if (!row) await new Promise((r) => setTimeout(r, 100));
  }
  expect(row).not.toBeNull();
  expect(row!.lastError).toMatch(/400: User is not enrolled and gradable/);
  const teacher = await instructorBrowser();
  expect(await (await teacher.b.fetch(`${server.url}/courses/${teacher.courseId}`)).text()).toContain(`href="/courses/${teacher.courseId}/lms"`);
  const page = await teacher.b.fetch(`${server.url}/courses/${teacher.courseId}/lms`);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain("User is not enrolled and gradable");
  expect(html).toContain("Retry now");
  expect(html).toMatch(/1 failed/);
  fake.scoreFailure = null;
  const { fields, action } = formFields(html, `/lms/assignments/${assignmentId}/retry`);
  const retry = await teacher.b.fetch(server.url + action, { form: fields });
  expect(retry.status).toBe(303);
  await waitFor("the retried score", () => fake.scores.find((s) => s.body.userId === learner(2).sub));
  expect(fake.scores.filter((s) => s.body.userId === learner(2).sub)).toHaveLength(1);
  // A student cannot see the LMS page.
  expect((await b.fetch(`${server.url}/courses/${teacher.courseId}/lms`)).status).toBe(404);
});

test("an extension sends the student's score again", async () => {
  const teacher = await instructorBrowser();
  const student = await server.db.user.findFirstOrThrow({ where: { ltiUser: { sub: learner(1).sub } } });
  const assignmentId = Number((fake.deepLinkReturns[0]!.items[0]!.custom as Record<string, string>).likely_assignment_id);
  const before = fake.scores.filter((s) => s.body.userId === learner(1).sub).length;
  const page = await teacher.b.fetch(`${server.url}/courses/${teacher.courseId}/students/${student.id}`);
  const { fields } = formFields(await page.text(), "extraAttempts");
  const res = await teacher.b.fetch(`${server.url}/courses/${teacher.courseId}/students/${student.id}/extensions`, { form: { ...fields, assignmentId: String(assignmentId), extraAttempts: "2", dueAt: "" } });
  expect(res.status).toBe(303);
  await waitFor("the score sent again", () => fake.scores.filter((s) => s.body.userId === learner(1).sub).length > before);
});

test("roster sync (NRPS, paged, mixed-case status) enrols new students, marks those gone inactive, and shows what changed", async () => {
  const teacher = await instructorBrowser();
  fake.members = [TEACHER, learner(1), learner(2), learner(3), learner(7), learner(8)];
  fake.memberStatus.set(learner(8).sub, "Inactive");
  const sync = async () => {
    const page = await teacher.b.fetch(`${server.url}/courses/${teacher.courseId}/lms`);
    const { fields, action } = formFields(await page.text(), "roster-sync");
    const res = await teacher.b.fetch(server.url + action, { form: fields });
    expect(res.status).toBe(200);
    return res.text();
  };
  const first = await sync();
  expect(first).toMatch(/6 members in the LMS: 1 added/);
  expect(first).toContain("Added: Student 7");
  const enrolled = await server.db.enrollment.findMany({ where: { courseId: teacher.courseId, user: { ltiUser: { sub: learner(7).sub } } } });
  expect(enrolled).toHaveLength(1);
  fake.members = [TEACHER, learner(1), learner(3), learner(7)];
  const second = await sync();
  expect(second).toMatch(/marked inactive/);
  expect(second).toContain("Inactive: Student 2");
  const s2 = await server.db.user.findFirstOrThrow({ where: { ltiUser: { sub: learner(2).sub } } });
  expect((await server.db.ltiMember.findFirstOrThrow({ where: { userId: s2.id } })).status).toBe("inactive");
  expect(fake.problems).toEqual([]);
});

test("a link made in the LMS without deep linking: the tool finds or creates its line item, and scores flow", async () => {
  const ctx = await server.db.ltiContext.findFirstOrThrow({ include: { course: { include: { assignments: { include: { items: true } } } } } });
  const linked = new Set(fake.deepLinkReturns[0]!.items.map((i) => Number((i.custom as Record<string, string>).likely_assignment_id)));
  const other = ctx.course.assignments.find((a) => !linked.has(a.id))!;
  const before = fake.lineItems.length;
  const launch = { user: learner(4), message: "LtiResourceLinkRequest" as const, resourceLinkId: "made-in-lms-1", custom: { likely_assignment_id: String(other.id) } };
  const b = new Browserish();
  const { res } = await launchThrough(b, fake, server.url, launch);
  expect(res.status).toBe(303);
  expect(fake.lineItems).toHaveLength(before + 1);
  const created = fake.lineItems.at(-1)!;
  expect(created).toMatchObject({ label: other.title, scoreMaximum: other.items.reduce((s, i) => s + i.points, 0), resourceId: String(other.id), resourceLinkId: "made-in-lms-1" });
  // A second launch finds it (no second column).
  const again = await launchThrough(new Browserish(), fake, server.url, { ...launch, user: learner(5) });
  expect(again.res.status).toBe(303);
  expect(fake.lineItems).toHaveLength(before + 1);
  await b.follow(new URL(res.headers.get("location")!, server.url).toString());
  await submitThroughPage(b, server.url, server.db, other.id, true);
  const score = await waitFor("the score at the created line item", () => fake.scores.find((s) => s.body.userId === learner(4).sub && s.lineItem === created.url));
  expect(score.url).toContain(`/lineitems/${created.id}/lineitem/scores?type_id=2`);
  expect(fake.problems).toEqual([]);
});

test("a regrade that changes a score sends the new score to the LMS", async () => {
  const teacher = await instructorBrowser();
  const s = await studentLaunch(fake, server.url, 6);
  await submitThroughPage(s.b, server.url, server.db, s.assignmentId, false);
  await waitFor("the first (zero) score", () => fake.scores.find((x) => x.body.userId === learner(6).sub));
  const a = await server.db.assignment.findUniqueOrThrow({ where: { id: s.assignmentId }, include: { items: true } });
  const first = a.items.sort((x, y) => x.position - y.position)[0]!;
  await server.db.assignmentItem.update({ where: { id: first.id }, data: { atol: 1e12 } }); // any answer is now within tolerance
  const page = await teacher.b.fetch(`${server.url}/assignments/${s.assignmentId}`);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  // The regrade is previewed first (GET), then applied by a POST that redirects back.
  const regrade = await teacher.b.fetch(`${server.url}/assignments/${s.assignmentId}/items/${first.id}/regrade`, { form: { _csrf: csrf } });
  expect(regrade.status).toBe(303);
  const after = await waitFor("the regraded score", () => fake.scores.find((x) => x.body.userId === learner(6).sub && Number(x.body.scoreGiven) > 0));
  expect(after.body.scoreGiven).toBeCloseTo(first.points, 9);
});

test("rate limits (429, and Canvas's 403 with X-Rate-Limit-Remaining: 0) are retried, never dropped", async () => {
  for (const [i, failure] of [
    [7, { status: 429, body: "Too Many Requests" }],
    [8, { status: 403, body: "Rate Limit Exceeded", headers: { "X-Rate-Limit-Remaining": "0" } }],
  ] as const) {
    fake.scoreFailure = { ...failure, until: Date.now() + 1500 };
    const s = await studentLaunch(fake, server.url, i);
    const userId = await submitThroughPage(s.b, server.url, server.db, s.assignmentId, true);
    await waitFor(`the score after ${failure.status}`, () => fake.scores.find((x) => x.body.userId === learner(i).sub));
    const row = await server.db.ltiScoreOutbox.findFirstOrThrow({ where: { userId } });
    expect(row.status).not.toBe("failed");
  }
  fake.scoreFailure = null;
});
