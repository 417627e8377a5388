// Issue 13, instructor side: each finding as the instructor meets it, through the real form posts.
import request from "supertest";
import { PASSWORD, twoCourses } from "../support/fixtures";
import { createTestApp, csrfFrom, signInAgent, tokenFor, type TestApp } from "../support/test-app";

let t: TestApp;
let courseId: number;
type Agent = Awaited<ReturnType<typeof signInAgent>>;
let instructor: Agent;
let student1: Agent;
let student2: Agent;

beforeAll(async () => {
  t = await createTestApp({ LIKELY_SUBMIT_LIMIT_PER_MINUTE: "0" });
  ({ courseId } = await twoCourses(t.db));
  instructor = await signInAgent(t.app, "instructor@example.edu", PASSWORD);
  student1 = await signInAgent(t.app, "student1@example.edu", PASSWORD);
  student2 = await signInAgent(t.app, "student2@example.edu", PASSWORD);
});
afterAll(() => t.close());

/** Posts the new-assignment form as the browser does: every field present, empty ones as "". */
async function postNewAssignment(fields: Record<string, string>) {
  const form = await instructor.get(`/courses/${courseId}/assignments/new`).expect(200);
  const blank: Record<string, string> = { title: "", kind: "homework", maxAttempts: "", opensAt: "", dueAt: "", revealPolicy: "after-due", scorePolicy: "best" };
  for (let i = 0; i < 8; i++) for (const f of ["exercise", "params", "points", "rtol", "atol"]) blank[`item${i}_${f}`] = "";
  return instructor.post(`/courses/${courseId}/assignments`).type("form").send({ ...blank, _csrf: csrfFrom(form.text), ...fields });
}

/** Awaits a response and checks its status, showing the page when it is another. */
async function okStatus(res: Promise<{ status: number; text: string; headers: Record<string, string> }>, status: number) {
  const r = await res;
  if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${r.text.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").slice(0, 600)}`);
  return r;
}

function idFrom(location: string): number {
  return Number(/\/assignments\/(\d+)/.exec(location)![1]);
}

/** Posts the edit form with the values the edit page shows, changed by `fields`. */
async function postEdit(id: number, fields: Record<string, string>) {
  const page = await instructor.get(`/assignments/${id}/edit`).expect(200);
  const values: Record<string, string> = { _csrf: csrfFrom(page.text) };
  for (const m of page.text.matchAll(/<input [^>]*name="([^"]+)"[^>]*>/g)) {
    const tag = m[0];
    if (/type="checkbox"/.test(tag) && !/\bchecked\b/.test(tag)) continue;
    values[m[1]!] = /value="([^"]*)"/.exec(tag)?.[1] ?? "";
  }
  for (const m of page.text.matchAll(/<select id="[^"]+" name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) values[m[1]!] = /<option value="([^"]*)"[^>]*selected/.exec(m[2]!)?.[1] ?? "";
  return instructor.post(`/assignments/${id}/edit`).type("form").send({ ...values, ...fields });
}

describe("finding 8: attempts of an exam made or edited through the form", () => {
  test("an exam created with the attempts field left empty allows one attempt, as through the API", async () => {
    const res = await okStatus(postNewAssignment({ title: "Form exam", kind: "exam", item0_exercise: "bernoulli-mle" }), 303);
    const a = await t.db.assignment.findUniqueOrThrow({ where: { id: idFrom(res.headers.location) } });
    expect(a.maxAttempts).toBe(1);
  });

  test("saving the edit form of an exam with the attempts field emptied keeps it at one attempt", async () => {
    const res = await okStatus(postNewAssignment({ title: "Edited exam", kind: "exam", maxAttempts: "3", item0_exercise: "bernoulli-mle" }), 303);
    const id = idFrom(res.headers.location);
    await okStatus(postEdit(id, { maxAttempts: "" }), 303);
    expect((await t.db.assignment.findUniqueOrThrow({ where: { id } })).maxAttempts).toBe(1);
    // Turning homework into an exam without typing attempts gives the exam default, too.
    const hw = idFrom((await okStatus(postNewAssignment({ title: "Homework to exam", item0_exercise: "bernoulli-mle" }), 303)).headers.location);
    expect((await t.db.assignment.findUniqueOrThrow({ where: { id: hw } })).maxAttempts).toBeNull();
    await okStatus(postEdit(hw, { kind: "exam", maxAttempts: "" }), 303);
    expect((await t.db.assignment.findUniqueOrThrow({ where: { id: hw } })).maxAttempts).toBe(1);
  });

  test("sibling: the edit form refuses 0 points (as creation does) and writes nothing of a rejected edit", async () => {
    const id = idFrom((await okStatus(postNewAssignment({ title: "Zero points", item0_exercise: "bernoulli-mle" }), 303)).headers.location);
    const item = await t.db.assignmentItem.findFirstOrThrow({ where: { assignmentId: id } });
    const res = await postEdit(id, { title: "Renamed", [`existing${item.id}_points`]: "0" });
    expect(res.status).toBe(400);
    expect(res.text).toContain("Exercise 1 points");
    expect(res.text).toContain('value="Renamed"'); // what was typed is kept
    const after = await t.db.assignment.findUniqueOrThrow({ where: { id }, include: { items: true } });
    expect(after.title).toBe("Zero points");
    expect(after.items[0]!.points).toBe(1);
  });
});

describe("finding 10: the instructor's own preview", () => {
  test("opening and answering an exercise as instructor creates no student variant and locks nothing", async () => {
    const id = idFrom((await okStatus(postNewAssignment({ title: "Preview me", item0_exercise: "bernoulli-mle" }), 303)).headers.location);
    const item = await t.db.assignmentItem.findFirstOrThrow({ where: { assignmentId: id } });
    const page = await instructor.get(`/assignments/${id}/items/${item.id}`).expect(200);
    const key = /name="idempotencyKey" value="([^"]+)"/.exec(page.text)![1]!;
    await instructor.post(`/assignments/${id}/items/${item.id}`).type("form").send({ _csrf: csrfFrom(page.text), idempotencyKey: key, part_theta: "0.5" }).expect(303);
    const overview = await instructor.get(`/assignments/${id}`).expect(200);
    const row = /<tbody>\s*<tr>([\s\S]*?)<\/tr>/.exec(overview.text)![1]!;
    const nums = [...row.matchAll(/<td class="num">([^<]*)<\/td>/g)].map((m) => m[1]);
    expect(nums[1]).toBe("0"); // Students
    expect(overview.text).toContain("No submissions yet.");
    const edit = await instructor.get(`/assignments/${id}/edit`).expect(200);
    expect(edit.text).not.toContain("has student variants");
    expect(edit.text).toContain("Remove this exercise");
    const stats = await instructor.get(`/assignments/${id}/items/${item.id}/stats`).expect(200);
    expect(stats.text).toMatch(/Students<\/span><b>0<\/b>/);
    // A student's view still counts and locks.
    await student1.get(`/assignments/${id}/items/${item.id}`).expect(200);
    expect((await instructor.get(`/assignments/${id}/edit`).expect(200)).text).toContain("has student variants");
  });
});

describe("finding 11: extra attempts after the key was revealed", () => {
  test("the grant asks for confirmation, then saves and says it was after the reveal", async () => {
    const id = idFrom((await okStatus(postNewAssignment({ title: "Reveal then extend", maxAttempts: "1", revealPolicy: "after-attempts", item0_exercise: "bernoulli-mle" }), 303)).headers.location);
    const item = await t.db.assignmentItem.findFirstOrThrow({ where: { assignmentId: id } });
    const page = await student2.get(`/assignments/${id}/items/${item.id}`).expect(200);
    const key = /name="idempotencyKey" value="([^"]+)"/.exec(page.text)![1]!;
    const graded = await student2.post(`/assignments/${id}/items/${item.id}`).type("form").send({ _csrf: csrfFrom(page.text), idempotencyKey: key, part_theta: "0.123456" }).expect(303);
    expect((await student2.get(graded.headers.location).expect(200)).text).toContain("Worked solution");
    const user = await t.db.user.findUniqueOrThrow({ where: { email: "student2@example.edu" } });
    const studentPage = await instructor.get(`/courses/${courseId}/students/${user.id}`).expect(200);
    const ask = await instructor.post(`/courses/${courseId}/students/${user.id}/extensions`).type("form").send({ _csrf: csrfFrom(studentPage.text), assignmentId: String(id), dueAt: "", extraAttempts: "1" });
    expect(ask.status).toBe(409);
    expect(ask.text).toContain("already been revealed");
    expect(ask.text).toContain('name="confirmAfterReveal" value="1"');
    expect(await t.db.extension.count({ where: { assignmentId: id, userId: user.id } })).toBe(0);
    const confirmed = await instructor.post(`/courses/${courseId}/students/${user.id}/extensions`).type("form").send({ _csrf: csrfFrom(ask.text), assignmentId: String(id), dueAt: "", extraAttempts: "1", confirmAfterReveal: "1" });
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.location).toContain("afterReveal=1");
    expect((await t.db.extension.findFirstOrThrow({ where: { assignmentId: id, userId: user.id } })).extraAttempts).toBe(1);
    // An extension on work whose key is not revealed needs no confirmation.
    const other = idFrom((await okStatus(postNewAssignment({ title: "Not revealed", maxAttempts: "1", item0_exercise: "bernoulli-mle" }), 303)).headers.location);
    const plain = await instructor.post(`/courses/${courseId}/students/${user.id}/extensions`).type("form").send({ _csrf: csrfFrom(studentPage.text), assignmentId: String(other), dueAt: "", extraAttempts: "2" });
    expect(plain.status).toBe(303);
    expect(plain.headers.location).not.toContain("afterReveal");
  });
});

describe("finding 12: form errors in the form's words, once, at the field", () => {
  test("a bad parameter in the second exercise row names 'Exercise 2 parameters', once, and highlights that input", async () => {
    const res = await postNewAssignment({ title: "Bogus", item0_exercise: "bernoulli-mle", item1_exercise: "gaussian-mle", item1_params: "bogus=1" });
    expect(res.status).toBe(400);
    expect(res.text).not.toMatch(/items\.\d/);
    expect(res.text).toContain("Exercise 2 parameters");
    expect(res.text.match(/unknown parameter/g)).toHaveLength(1);
    expect(res.text).toMatch(/<input id="item1_params"[^>]*aria-invalid="true"/);
    expect(res.text).not.toMatch(/<input id="item0_params"[^>]*aria-invalid/);
  });

  test("an empty row in between does not shift the exercise number; a zod issue is labelled too", async () => {
    const res = await postNewAssignment({ title: "Gap", item0_exercise: "bernoulli-mle", item2_exercise: "gaussian-mle", item2_points: "-3" });
    expect(res.status).toBe(400);
    expect(res.text).toContain("Exercise 3 points");
    expect(res.text).toMatch(/<input id="item2_points"[^>]*aria-invalid="true"/);
  });

  test("settings show in words and the exercise dropdown shows titles, not slugs", async () => {
    const id = idFrom((await okStatus(postNewAssignment({ title: "Words", revealPolicy: "after-attempts", item0_exercise: "bernoulli-mle" }), 303)).headers.location);
    const page = await instructor.get(`/assignments/${id}`).expect(200);
    expect(page.text).not.toContain(">after-attempts<");
    expect(page.text).toContain("once attempts are used up");
    const form = await instructor.get(`/courses/${courseId}/assignments/new`).expect(200);
    expect(form.text).not.toMatch(/<option value="gaussian-mle"[^>]*>[^<]*\(gaussian-mle\)</);
  });
});

describe("finding 13: item statistics", () => {
  test("wrong answers are shown as relative error to each student's own key, and the chart counts whole students", async () => {
    const id = idFrom((await okStatus(postNewAssignment({ title: "Stats", item0_exercise: "bernoulli-mle" }), 303)).headers.location);
    const item = await t.db.assignmentItem.findFirstOrThrow({ where: { assignmentId: id } });
    const page = await student1.get(`/assignments/${id}/items/${item.id}`).expect(200);
    const key = /name="idempotencyKey" value="([^"]+)"/.exec(page.text)![1]!;
    await student1.post(`/assignments/${id}/items/${item.id}`).type("form").send({ _csrf: csrfFrom(page.text), idempotencyKey: key, part_theta: "0.987654" }).expect(303);
    const stats = await instructor.get(`/assignments/${id}/items/${item.id}/stats`).expect(200);
    expect(stats.text).not.toContain("0.987654");
    expect(stats.text).toContain("Relative error");
    const ticks = [...stats.text.matchAll(/<text x="[^"]+" y="[^"]+" text-anchor="end" stroke="none">([^<]+)<\/text>/g)].map((m) => Number(m[1]));
    expect(ticks.length).toBeGreaterThan(1);
    for (const tick of ticks) expect(Number.isInteger(tick)).toBe(true);
  });
});

describe("finding 14: regrade", () => {
  test("regrade previews first, applies on POST then redirects (a reload does not re-run it), and the student is told", async () => {
    const id = idFrom((await okStatus(postNewAssignment({ title: "Regrade me", item0_exercise: "bernoulli-mle", item0_rtol: "0" }), 303)).headers.location);
    const item = await t.db.assignmentItem.findFirstOrThrow({ where: { assignmentId: id } });
    const page = await student1.get(`/assignments/${id}/items/${item.id}`).expect(200);
    const v = await t.db.variant.findFirstOrThrow({ where: { itemId: item.id, user: { email: "student1@example.edu" } } });
    const theta = (JSON.parse(v.key) as { theta: number }).theta;
    const key = /name="idempotencyKey" value="([^"]+)"/.exec(page.text)![1]!;
    await student1.post(`/assignments/${id}/items/${item.id}`).type("form").send({ _csrf: csrfFrom(page.text), idempotencyKey: key, part_theta: String(theta * 1.004) }).expect(303);
    const sub = await t.db.submission.findFirstOrThrow({ where: { variantId: v.id } });
    expect(sub.score).toBe(0);
    await okStatus(postEdit(id, { [`existing${item.id}_rtol`]: "0.01" }), 303);

    const preview = await instructor.get(`/assignments/${id}/items/${item.id}/regrade`).expect(200);
    expect(preview.text).toContain("Apply");
    expect((await t.db.submission.findUniqueOrThrow({ where: { id: sub.id } })).score).toBe(0); // nothing written yet
    const applied = await instructor.post(`/assignments/${id}/items/${item.id}/regrade`).type("form").send({ _csrf: csrfFrom(preview.text) });
    expect(applied.status).toBe(303);
    expect((await t.db.submission.findUniqueOrThrow({ where: { id: sub.id } })).score).toBe(1);
    expect(await t.db.regradeLog.count({ where: { itemId: item.id } })).toBe(1);
    await instructor.get(applied.headers.location).expect(200); // the "reload" target is a GET
    expect(await t.db.regradeLog.count({ where: { itemId: item.id } })).toBe(1);

    const seen = await student1.get(`/assignments/${id}`).expect(200);
    expect(seen.text).toContain("Your score was changed by a regrade");
    const itemPage = await student1.get(`/assignments/${id}/items/${item.id}`).expect(200);
    expect(itemPage.text).toContain("Your score was changed by a regrade");
    expect((await student2.get(`/assignments/${id}`).expect(200)).text).not.toContain("changed by a regrade");
  });
});

describe("finding 9: roster import never hands an instructor the credentials of another course's account", () => {
  const api = (token: string) => ({
    post: (path: string, body: object) => request(t.app).post(path).set("Authorization", `Bearer ${token}`).send(body),
  });

  async function importPage(roster: string) {
    const page = await instructor.get(`/courses/${courseId}/students`).expect(200);
    return instructor.post(`/courses/${courseId}/students`).type("form").send({ _csrf: csrfFrom(page.text), roster });
  }

  /** What the import tells the instructor (notice and setup links), with e-mail, name and token blanked out. */
  function told(html: string): string {
    const notice = /<div class="notice[^"]*" role="status">([^<]*)<\/div>/.exec(html)?.[1] ?? "";
    const links = /<section class="card notice-info setup-links">[\s\S]*?<\/section>/.exec(html)?.[0] ?? "";
    return notice + links.replace(/https?:\/\/[^"<]*\/welcome\/[A-Za-z0-9_-]+/g, "/welcome/T").replace(/<td>[^<]*<\/td>/g, "<td>X</td>");
  }

  test("an account another course's instructor created with a chosen password loses that password when this course enrols it", async () => {
    const other = await tokenFor(t.app, "other.instructor@example.edu", PASSWORD);
    const otherCourse = (await t.db.course.findFirstOrThrow({ where: { code: "OTHER1" } })).id;
    await api(other).post(`/api/v1/courses/${otherCourse}/students`, { students: [{ email: "victim@example.edu", name: "Vic Tim", password: "attacker-chosen" }] }).expect(201);
    const stolen = await tokenFor(t.app, "victim@example.edu", "attacker-chosen");

    const existing = await importPage("email,name\nvictim@example.edu,Vic Tim\n");
    expect(existing.status).toBe(200);
    // The other instructor's password and token are dead...
    await request(t.app).post("/api/v1/tokens").send({ email: "victim@example.edu", password: "attacker-chosen" }).expect(401);
    await request(t.app).get("/api/v1/me").set("Authorization", `Bearer ${stolen}`).expect(401);

    // ...this course's import of that e-mail reads exactly like the import of a brand-new one...
    const fresh = await importPage("email,name\nfresh.person@example.edu,Fresh Person\n");
    expect(told(existing.text)).toContain("/welcome/T");
    expect(told(existing.text)).toBe(told(fresh.text));
    expect(existing.text).toContain("1 student added to ML101");
    expect(existing.text).not.toMatch(/new account/i);

    // ...and the holder sets their own password through this course's link.
    const link = /href="https?:\/\/[^"]+(\/welcome\/[A-Za-z0-9_-]+)"/.exec(existing.text)![1]!;
    const holder = request.agent(t.app);
    const welcome = await holder.get(link).expect(200);
    await holder.post(link).type("form").send({ _csrf: csrfFrom(welcome.text), password: "victims-own-pass", confirm: "victims-own-pass" }).expect(303);
    await tokenFor(t.app, "victim@example.edu", "victims-own-pass");
    // A later import by the first course touches nothing, and its page cannot tell either.
    await api(other).post(`/api/v1/courses/${otherCourse}/students`, { students: [{ email: "victim@example.edu", name: "Vic Tim", password: "attacker-again" }] }).expect(201);
    await tokenFor(t.app, "victim@example.edu", "victims-own-pass");
  });

  test("an existing account is enrolled untouched: a given password is ignored, its link only leads to sign-in, and counts do not tell", async () => {
    const mine = await tokenFor(t.app, "instructor@example.edu", PASSWORD);
    const res = await api(mine).post(`/api/v1/courses/${courseId}/students`, {
      students: [
        { email: "other.student@example.edu", name: "Renamed", password: "hijack-password" },
        { email: "brand.new@example.edu", name: "Brand New", password: "brand-new-pass" },
      ],
    }).expect(201);
    expect(res.body).toMatchObject({ created: 2, enrolled: 2 });
    await request(t.app).post("/api/v1/tokens").send({ email: "other.student@example.edu", password: "hijack-password" }).expect(401);
    await tokenFor(t.app, "other.student@example.edu", PASSWORD);
    expect((await t.db.user.findUniqueOrThrow({ where: { email: "other.student@example.edu" } })).name).toBe("Oscar Other");
    await tokenFor(t.app, "brand.new@example.edu", "brand-new-pass");

    const link = (res.body.setupLinks as { email: string; path: string }[]).find((l) => l.email === "other.student@example.edu")!.path;
    const agent = request.agent(t.app);
    const page = await agent.get(link).expect(200);
    expect(page.text).not.toContain('name="password"');
    // Even a hand-made post to the link sets nothing on an account that has a password.
    const csrf = csrfFrom((await agent.get("/signin").expect(200)).text);
    const tried = await agent.post(link).type("form").send({ _csrf: csrf, password: "taken-over-pass", confirm: "taken-over-pass" });
    expect(tried.status).toBe(303);
    expect(tried.headers.location).toBe("/signin");
    await request(t.app).post("/api/v1/tokens").send({ email: "other.student@example.edu", password: "taken-over-pass" }).expect(401);
    await tokenFor(t.app, "other.student@example.edu", PASSWORD);
  });
});

describe("finding 9 siblings: an instructor-chosen password is for the first sign-in only", () => {
  test("signing in with it leads to choosing one's own; joining another course needs that first; changing it ends the old holder's access", async () => {
    const mine = await tokenFor(t.app, "instructor@example.edu", PASSWORD);
    await request(t.app).post(`/api/v1/courses/${courseId}/students`).set("Authorization", `Bearer ${mine}`).send({ students: [{ email: "given.pw@example.edu", name: "Given Pw", password: "instructor-chosen" }] }).expect(201);
    const instructorsCopy = await tokenFor(t.app, "given.pw@example.edu", "instructor-chosen");

    const agent = request.agent(t.app);
    const signin = await agent.get("/signin").expect(200);
    const signedIn = await agent.post("/signin").type("form").send({ _csrf: csrfFrom(signin.text), email: "given.pw@example.edu", password: "instructor-chosen" }).expect(303);
    expect(signedIn.headers.location).toBe("/account?first=1");

    // Self-enrolment into another course is refused while the instructor's password is in use.
    const otherCourse = await t.db.course.findFirstOrThrow({ where: { code: "OTHER1" } });
    const dash = await agent.get("/assignments").expect(200);
    const join = await agent.post("/join").type("form").send({ _csrf: csrfFrom(dash.text), code: otherCourse.joinCode });
    expect(join.status).toBe(409);
    expect(join.text).toContain("choose your own password");
    const user = await t.db.user.findUniqueOrThrow({ where: { email: "given.pw@example.edu" } });
    expect(await t.db.enrollment.count({ where: { userId: user.id, courseId: otherCourse.id } })).toBe(0);

    const form = await agent.get("/account").expect(200);
    expect(form.text).toContain("Choose your own password");
    await agent.post("/account/password").type("form").send({ _csrf: csrfFrom(form.text), currentPassword: "instructor-chosen", newPassword: "my-own-password", confirmPassword: "my-own-password" }).expect(303);
    expect((await agent.get("/account").expect(200)).text).not.toContain("Choose your own password");
    await request(t.app).get("/api/v1/me").set("Authorization", `Bearer ${instructorsCopy}`).expect(401);
    await request(t.app).post("/api/v1/tokens").send({ email: "given.pw@example.edu", password: "instructor-chosen" }).expect(401);
    const again = await agent.get("/assignments").expect(200); // this browser stays signed in
    await agent.post("/join").type("form").send({ _csrf: csrfFrom(again.text), code: otherCourse.joinCode }).expect(303);
  });
});

describe("finding 12 siblings: the course forms", () => {
  test("a bad course code comes back on the course page with the settings open, the typed value kept and the input marked", async () => {
    const page = await instructor.get(`/courses/${courseId}`).expect(200);
    const res = await instructor.post(`/courses/${courseId}/edit`).type("form").send({ _csrf: csrfFrom(page.text), code: "ML 101!", title: "Renamed course" });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/<details class="card" open>/);
    expect(res.text).toMatch(/<input id="code" name="code" value="ML 101!"[^>]*aria-invalid="true"/);
    expect(res.text).toContain('value="Renamed course"');
    expect(res.text.match(/Course code: letters, digits/g)).toHaveLength(1);
    expect((await t.db.course.findUniqueOrThrow({ where: { id: courseId } })).code).toBe("ML101");
  });

  test("a taken course code on the new-course form marks the code input, once", async () => {
    const form = await instructor.get("/courses/new").expect(200);
    const res = await instructor.post("/courses").type("form").send({ _csrf: csrfFrom(form.text), code: "OTHER1", title: "Copy" });
    expect(res.status).toBe(409);
    expect(res.text).toMatch(/<input id="code" name="code" value="OTHER1"[^>]*aria-invalid="true"/);
    expect(res.text.match(/exists already/g)).toHaveLength(1);
  });
});
