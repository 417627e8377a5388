import request from "supertest";
import { allTokens, as, PASSWORD, twoCourses, type Tokens } from "../support/fixtures";
import { leakedForms } from "../support/key-leak";
import { createTestApp, csrfFrom, signInAgent, type TestApp } from "../support/test-app";

let t: TestApp;
let tok: Tokens;
let courseId: number;
let assignmentId: number;
let itemIds: number[];
type Agent = Awaited<ReturnType<typeof signInAgent>>;
let instructor: Agent;
let student1: Agent;
let student2: Agent;
let otherStudent: Agent;

beforeAll(async () => {
  t = await createTestApp({ LIKELY_SUBMIT_LIMIT_PER_MINUTE: "0" });
  ({ courseId } = await twoCourses(t.db));
  tok = await allTokens(t.app);
  instructor = await signInAgent(t.app, "instructor@example.edu", PASSWORD);
  student1 = await signInAgent(t.app, "student1@example.edu", PASSWORD);
  student2 = await signInAgent(t.app, "student2@example.edu", PASSWORD);
  otherStudent = await signInAgent(t.app, "other.student@example.edu", PASSWORD);

  // Built with the instructor's form, as in the app.
  const form = await instructor.get(`/courses/${courseId}/assignments/new`).expect(200);
  const created = await instructor
    .post(`/courses/${courseId}/assignments`)
    .type("form")
    .send({
      _csrf: csrfFrom(form.text), title: "Pages homework", kind: "homework", maxAttempts: "2", revealPolicy: "after-attempts", scorePolicy: "best",
      dueAt: "2099-01-01T12:00", item0_exercise: "gaussian-mle", item0_points: "2", item1_exercise: "bernoulli-mle", item1_rtol: "0.001",
    })
    .expect(303);
  assignmentId = Number(/\/assignments\/(\d+)/.exec(created.headers.location)![1]);
  itemIds = (await t.db.assignmentItem.findMany({ where: { assignmentId }, orderBy: { position: "asc" } })).map((i) => i.id);
});
afterAll(() => t.close());

async function variantOf(email: string, itemId: number) {
  return t.db.variant.findFirstOrThrow({ where: { itemId, user: { email } } });
}

async function submitForm(agent: Agent, itemId: number, answers: Record<string, string>) {
  const page = await agent.get(`/assignments/${assignmentId}/items/${itemId}`).expect(200);
  const fields: Record<string, string> = { _csrf: csrfFrom(page.text), idempotencyKey: /name="idempotencyKey" value="([^"]+)"/.exec(page.text)![1]! };
  for (const [k, v] of Object.entries(answers)) fields[`part_${k}`] = v;
  return agent.post(`/assignments/${assignmentId}/items/${itemId}`).type("form").send(fields);
}

describe("instructor forms", () => {
  test("a bad parameter re-renders the form with the message and the typed values", async () => {
    const form = await instructor.get(`/courses/${courseId}/assignments/new`);
    const res = await instructor.post(`/courses/${courseId}/assignments`).type("form").send({ _csrf: csrfFrom(form.text), title: "Broken", kind: "homework", item0_exercise: "gaussian-mle", item0_params: "n=1" });
    expect(res.status).toBe(400);
    expect(res.text).toContain("Exercise 1 parameters");
    expect(res.text).toContain('value="Broken"');
    expect(res.text).toContain('value="n&#x3D;1"');
  });

  test("the assignment page shows its items to the instructor", async () => {
    const res = await instructor.get(`/assignments/${assignmentId}`).expect(200);
    expect(res.text).toContain("Pages homework");
    expect(res.text).toContain("Regrade");
  });
});

describe("the student's exercise page", () => {
  test("shows the question with math and plot, no key before the reveal", async () => {
    const page = await student1.get(`/assignments/${assignmentId}/items/${itemIds[0]}`).expect(200);
    expect(page.text).toContain('class="katex"');
    expect(page.text).toContain("<svg");
    const v = await variantOf("student1@example.edu", itemIds[0]!);
    expect(leakedForms(page.text, JSON.parse(v.key), JSON.parse(v.data))).toEqual([]);
    expect(page.text).not.toContain("Worked solution");
  });

  test("unreadable answers are explained, keep what was typed, and cost no attempt", async () => {
    const res = await submitForm(student1, itemIds[0]!, { mean: "0x1F", variance: "2,5" });
    expect(res.status).toBe(422);
    expect(res.text).toContain("could not be read");
    expect(res.text).toContain('value="0x1F"');
    expect(await t.db.submission.count({ where: { userId: (await variantOf("student1@example.edu", itemIds[0]!)).userId! } })).toBe(0);
  });

  test("a graded wrong answer redirects to its feedback; after the last attempt the solution is revealed", async () => {
    const first = await submitForm(student1, itemIds[0]!, { mean: "0", variance: "1" });
    expect(first.status).toBe(303);
    const shown = await student1.get(first.headers.location).expect(200);
    expect(shown.text).toContain("Attempt 1 graded");
    expect(shown.text).toContain("1 attempt left");
    const second = await submitForm(student1, itemIds[0]!, { mean: "0", variance: "2" });
    const last = await student1.get(second.headers.location).expect(200);
    expect(last.text).toContain("No attempts left");
    expect(last.text).toContain("Worked solution");
    const v = await variantOf("student1@example.edu", itemIds[0]!);
    expect(JSON.parse(v.key).variance).toBeGreaterThan(0);
    const third = await submitForm(student1, itemIds[0]!, { mean: "0", variance: "3" });
    expect(third.status).toBe(409);
    // The refusal is said once, where the result would be (not again by the layout's notice).
    expect(third.text.match(/No attempts left: all 2 attempts/g)).toHaveLength(1);
    expect(third.text).toMatch(/<div id="result" class="notice notice-error" role="alert"[^>]*>No attempts left/);
  });

  test("data downloads are CSV and JSON of the student's own data", async () => {
    const v = await variantOf("student1@example.edu", itemIds[0]!);
    const csv = await student1.get(`/variants/${v.id}/data.csv`).expect(200);
    expect(csv.headers["content-type"]).toMatch(/text\/csv/);
    expect(csv.headers["content-disposition"]).toMatch(/attachment/);
    const x = (JSON.parse(v.data) as { x: number[] }).x;
    expect(csv.text.trim().split(/\r?\n/)).toHaveLength(x.length + 1);
    const json = await student1.get(`/variants/${v.id}/data.json`).expect(200);
    expect(JSON.parse(json.text)).toMatchObject({ slug: "gaussian-mle", data: { x } });
  });
});

describe("pages answer 404 for what is not the caller's, exactly like a missing id", () => {
  test("variants, assignments, gradebook, student records, catalogue", async () => {
    await student2.get(`/assignments/${assignmentId}/items/${itemIds[0]}`).expect(200); // student2's own variant
    const v1 = await variantOf("student1@example.edu", itemIds[0]!);
    const pairs: [Agent, string, string][] = [
      [student2, `/variants/${v1.id}/data.csv`, `/variants/99999999/data.csv`],
      [student2, `/variants/${v1.id}/data.json`, `/variants/99999999/data.json`],
      [student2, `/variants/${v1.id}`, `/variants/99999999`],
      [otherStudent, `/assignments/${assignmentId}`, `/assignments/99999999`],
      [otherStudent, `/assignments/${assignmentId}/items/${itemIds[0]}`, `/assignments/99999999/items/${itemIds[0]}`],
      [student2, `/courses/${courseId}/gradebook`, `/courses/99999999/gradebook`],
      [student2, `/courses/${courseId}/gradebook.csv`, `/courses/99999999/gradebook.csv`],
      [student2, `/courses/${courseId}/students/${v1.userId}`, `/courses/99999999/students/${v1.userId}`],
      [student2, `/assignments/${assignmentId}/edit`, `/assignments/99999999/edit`],
      [student2, `/assignments/${assignmentId}/items/${itemIds[0]}/stats`, `/assignments/99999999/items/${itemIds[0]}/stats`],
      [student2, `/catalogue/gaussian-mle`, `/catalogue/no-such-exercise`],
    ];
    for (const [agent, path, missing] of pairs) {
      const a = await agent.get(path);
      const b = await agent.get(missing);
      expect({ path, status: a.status }).toEqual({ path, status: 404 });
      expect(b.status).toBe(404);
      expect(a.text.replace(/name="_csrf" value="[^"]+"/, "")).toBe(b.text.replace(/name="_csrf" value="[^"]+"/, ""));
    }
  });
});

describe("instructor actions", () => {
  test("an extension lets one student submit after the due date, not the others", async () => {
    await t.db.assignment.update({ where: { id: assignmentId }, data: { dueAt: new Date(Date.now() - 60_000) } });
    const s2 = await t.db.user.findUniqueOrThrow({ where: { email: "student2@example.edu" } });
    const page = await instructor.get(`/courses/${courseId}/students/${s2.id}`).expect(200);
    await instructor
      .post(`/courses/${courseId}/students/${s2.id}/extensions`)
      .type("form")
      .send({ _csrf: csrfFrom(page.text), assignmentId: String(assignmentId), dueAt: "2099-06-01T12:00", extraAttempts: "1" })
      .expect(409); // past the due date the key is visible: the grant asks for confirmation first
    await instructor
      .post(`/courses/${courseId}/students/${s2.id}/extensions`)
      .type("form")
      .send({ _csrf: csrfFrom(page.text), assignmentId: String(assignmentId), dueAt: "2099-06-01T12:00", extraAttempts: "1", confirmAfterReveal: "1" })
      .expect(303);
    expect((await submitForm(student2, itemIds[1]!, { theta: "0.5" })).status).toBe(303);
    const s3 = await signInAgent(t.app, "student3@example.edu", PASSWORD);
    const refused = await s3.get(`/assignments/${assignmentId}/items/${itemIds[1]}`).expect(200);
    expect(refused.text).toContain("This assignment is closed");
    await t.db.assignment.update({ where: { id: assignmentId }, data: { dueAt: new Date("2099-01-01T12:00:00Z") } });
  });

  test("regrading after a tolerance change re-scores stored submissions and logs the change", async () => {
    const v = await variantOf("student2@example.edu", itemIds[1]!);
    const theta = JSON.parse(v.key).theta as number;
    // 0.1% off: wrong at rtol 0.001... but right at rtol 0.05.
    const submitted = await submitForm(student2, itemIds[1]!, { theta: String(theta * 1.004) });
    expect(submitted.status).toBe(303);
    const sub = await t.db.submission.findFirstOrThrow({ where: { variantId: v.id }, orderBy: { id: "desc" } });
    expect(sub.score).toBe(0);
    const edit = await instructor.get(`/assignments/${assignmentId}/edit`).expect(200);
    await instructor.post(`/assignments/${assignmentId}/edit`).type("form").send({
      _csrf: csrfFrom(edit.text), title: "Pages homework", kind: "homework", maxAttempts: "2", revealPolicy: "after-attempts", scorePolicy: "best", dueAt: "2099-01-01T12:00",
      [`existing${itemIds[0]}_points`]: "2", [`existing${itemIds[1]}_points`]: "1", [`existing${itemIds[1]}_rtol`]: "0.05",
    }).expect(303);
    const regrade = await instructor.get(`/assignments/${assignmentId}/items/${itemIds[1]}/regrade`).expect(200);
    expect(regrade.text).toContain("Student");
    expect(regrade.text).toMatch(/0%[\s\S]*100%/);
    await instructor.post(`/assignments/${assignmentId}/items/${itemIds[1]}/regrade`).type("form").send({ _csrf: csrfFrom(regrade.text) }).expect(303);
    expect((await t.db.submission.findUniqueOrThrow({ where: { id: sub.id } })).score).toBe(1);
    expect(await t.db.regradeLog.count({ where: { submissionId: sub.id } })).toBe(1);
  });

  test("roster upload creates accounts, and the gradebook CSV neutralises formulas", async () => {
    const page = await instructor.get(`/courses/${courseId}/students`).expect(200);
    const res = await instructor.post(`/courses/${courseId}/students`).type("form").send({
      _csrf: csrfFrom(page.text),
      roster: 'email,name\r\nevil@example.edu,"=HYPERLINK(""http://x"",""y"")"\r\nplain@example.edu,Plain <b>Person</b>\r\n',
    }).expect(200);
    expect(res.text).toContain("2 students added to ML101");
    expect(res.text).toContain("evil@example.edu");
    expect(res.text).toContain("Plain &lt;b&gt;Person&lt;/b&gt;");
    const csv = await instructor.get(`/courses/${courseId}/gradebook.csv`).expect(200);
    expect(csv.text).toContain(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csv.text).not.toMatch(/(^|,)=HYPERLINK/m);
    const bad = await instructor.post(`/courses/${courseId}/students`).type("form").send({ _csrf: csrfFrom(page.text), roster: "not an email,Name" });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("Line 1: expected an email address");
  });

  test("a student joins a course with its join code", async () => {
    const course = await t.db.course.findUniqueOrThrow({ where: { id: courseId } });
    const outsider = await signInAgent(t.app, "other.student@example.edu", PASSWORD);
    const dash = await outsider.get("/assignments").expect(200);
    const wrong = await outsider.post("/join").type("form").send({ _csrf: csrfFrom(dash.text), code: "ZZZZZZ" });
    expect(wrong.status).toBe(404);
    expect(wrong.text).toContain("No course has that join code");
    await outsider.post("/join").type("form").send({ _csrf: csrfFrom(dash.text), code: course.joinCode.toLowerCase() }).expect(303);
    const after = await outsider.get("/assignments").expect(200);
    expect(after.text).toContain("Pages homework");
    const api = await as(t.app, tok.otherStudent).get("/api/v1/courses").expect(200);
    expect(api.body.map((c: { code: string }) => c.code).sort()).toEqual(["ML101", "OTHER1"]);
  });
});

test("anonymous visitors get the sign-in page, not data", async () => {
  const res = await request(t.app).get(`/assignments/${assignmentId}`);
  expect(res.status).toBe(303);
  expect(res.headers.location).toMatch(/^\/signin\?next=/);
});
