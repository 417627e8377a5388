import { allTokens, as, PASSWORD, twoCourses, type Tokens } from "../support/fixtures";
import { createTestApp, csrfFrom, signInAgent, type TestApp } from "../support/test-app";

// The pages of practice and timed exams, as a student and an instructor use them without JavaScript.

let t: TestApp;
let tok: Tokens;
let courseId: number;
const DAY = 86400_000;

async function create(body: Record<string, unknown>): Promise<number> {
  const res = await as(t.app, tok.instructor).post(`/api/v1/courses/${courseId}/assignments`, { title: "Pages test", items: [{ exercise: "gaussian-mle" }], ...body });
  expect(res.status).toBe(201);
  return res.body.id as number;
}

beforeAll(async () => {
  t = await createTestApp({ LIKELY_SUBMIT_LIMIT_PER_MINUTE: "0" });
  ({ courseId } = await twoCourses(t.db));
  tok = await allTokens(t.app);
});
afterAll(() => t.close());

test("practice from the exercise page: a labelled page, unlimited checks, the solution on request, another one", async () => {
  const id = await create({ kind: "homework", practice: "always", maxAttempts: 1, dueAt: new Date(Date.now() + DAY).toISOString() });
  const itemId = (await t.db.assignmentItem.findFirstOrThrow({ where: { assignmentId: id } })).id;
  const agent = await signInAgent(t.app, "student1@example.edu", PASSWORD);
  const page = await agent.get(`/assignments/${id}/items/${itemId}`).expect(200);
  expect(page.text).toContain("Practise this");
  const graded = await t.db.variant.findFirstOrThrow({ where: { itemId, user: { email: "student1@example.edu" } } });
  const made = await agent.post(`/variants/${graded.id}/practice`).type("form").send({ _csrf: csrfFrom(page.text) }).expect(303);
  const practiceUrl = made.headers.location as string;
  expect(practiceUrl).toMatch(/^\/practice\/\d+$/);
  const practice = await agent.get(practiceUrl).expect(200);
  expect(practice.text).toContain("Practice · no stakes");
  expect(practice.text).toContain("never graded");
  expect(practice.text).not.toContain("Worked solution</h2>");
  const practiceId = Number(practiceUrl.split("/").pop());
  const key = JSON.parse((await t.db.variant.findUniqueOrThrow({ where: { id: practiceId } })).key) as { mean: number; variance: number };
  // The key is nowhere in the page before the student asks for the solution.
  // As a number of its own: a plot coordinate such as 140.67 may contain a short key like 0.67.
  expect(practice.text).not.toMatch(new RegExp(`(?<![\\d.])${String(key.mean).replace(".", "\\.")}(?!\\d)`));
  for (let i = 0; i < 2; i++) {
    const wrong = await agent.post(practiceUrl).type("form").send({ _csrf: csrfFrom(practice.text), part_mean: "1000", part_variance: "1000" }).expect(303);
    expect(wrong.headers.location).toMatch(new RegExp(`^${practiceUrl}\\?result=\\d+#result$`));
  }
  const unreadable = await agent.post(practiceUrl).type("form").send({ _csrf: csrfFrom(practice.text), part_mean: "abc", part_variance: "1" }).expect(422);
  expect(unreadable.text).toContain('value="abc"');
  const right = await agent.post(practiceUrl).type("form").send({ _csrf: csrfFrom(practice.text), part_mean: String(key.mean), part_variance: String(key.variance) }).expect(303);
  const shown = await agent.get(right.headers.location.split("#")[0]).expect(200);
  expect(shown.text).toContain("Practice attempt 3 checked: <strong>100%</strong>");
  const solved = await agent.get(`${practiceUrl}?solution=1`).expect(200);
  expect(solved.text).toContain("Worked solution</h2>");
  const another = await agent.post(`/variants/${practiceId}/practice`).type("form").send({ _csrf: csrfFrom(practice.text) }).expect(303);
  expect(another.headers.location).not.toBe(practiceUrl);
  // The graded exercise is untouched: one attempt allowed, none used.
  const back = await agent.get(`/assignments/${id}/items/${itemId}`).expect(200);
  expect(back.text).toContain("1 attempt left");
  expect(back.text).toContain(`href="/practice/${practiceId}"`);
  // Another student cannot open it.
  const other = await signInAgent(t.app, "student2@example.edu", PASSWORD);
  await other.get(practiceUrl).expect(404);

  // The instructor sees the practice apart from the graded statistics.
  const instructor = await signInAgent(t.app, "instructor@example.edu", PASSWORD);
  const stats = await instructor.get(`/assignments/${id}`).expect(200);
  expect(stats.text).toContain("Practice activity");
  expect(stats.text).toMatch(/<td class="num">1<\/td><td class="num">2<\/td><td class="num">3<\/td>/);
  expect(stats.text).toContain("<b>0</b>"); // graded submissions
});

test("practice not yet open: the exercise page says why and offers no button", async () => {
  const id = await create({ kind: "homework", dueAt: new Date(Date.now() + DAY).toISOString() });
  const itemId = (await t.db.assignmentItem.findFirstOrThrow({ where: { assignmentId: id } })).id;
  const agent = await signInAgent(t.app, "student2@example.edu", PASSWORD);
  const page = await agent.get(`/assignments/${id}/items/${itemId}`).expect(200);
  expect(page.text).not.toContain("Practise this");
  expect(page.text).toContain("Practice opens after the due date");
});

test("a timed exam: the clock on every page, a late form submission refused with the answers kept, the instructor's table", async () => {
  const id = await create({ kind: "exam", timeLimitMinutes: 30, dueAt: new Date(Date.now() + DAY).toISOString() });
  const itemId = (await t.db.assignmentItem.findFirstOrThrow({ where: { assignmentId: id } })).id;
  const agent = await signInAgent(t.app, "student3@example.edu", PASSWORD);
  // The dashboard warns that opening it starts the clock, then says when the time ends.
  expect((await agent.get("/assignments").expect(200)).text).toContain("timed: 30 min from when you open it");
  const overview = await agent.get(`/assignments/${id}`).expect(200);
  expect((await agent.get("/assignments").expect(200)).text).toMatch(/timed: 30 min, your time ends \w{3}/);
  expect(overview.text).toContain("Timed exam: 30 min");
  const page = await agent.get(`/assignments/${id}/items/${itemId}`).expect(200);
  expect(page.text).toMatch(/(29|30) min \d\d s left/);
  expect(page.text).toMatch(/data-ends-at="\d{4}-\d\d-\d\dT/);
  expect(page.text).toContain("Your time ends <time");
  const s3 = await t.db.user.findUniqueOrThrow({ where: { email: "student3@example.edu" } });
  await t.db.assignmentStart.update({ where: { assignmentId_userId: { assignmentId: id, userId: s3.id } }, data: { startedAt: new Date(Date.now() - 31 * 60_000) } });
  const late = await agent.post(`/assignments/${id}/items/${itemId}`).type("form").send({ _csrf: csrfFrom(page.text), part_mean: "1.25", part_variance: "2.5" }).expect(409);
  expect(late.text).toContain("Time is up: your 30 minutes for this exam ended at");
  expect(late.text).toContain('value="1.25"');
  expect(late.text).toContain("Your time is up.");
  const instructor = await signInAgent(t.app, "instructor@example.edu", PASSWORD);
  const table = await instructor.get(`/assignments/${id}`).expect(200);
  expect(table.text).toContain("Exam clocks");
  expect(table.text).toContain(s3.name);
  expect(table.text).toContain("ended");
});

test("the builder sets, shows and clears a time limit and the practice setting; bad minutes are refused", async () => {
  const agent = await signInAgent(t.app, "instructor@example.edu", PASSWORD);
  const form = await agent.get(`/courses/${courseId}/assignments/new`).expect(200);
  expect(form.text).toContain('id="timeLimitMinutes"');
  const before = await t.db.assignment.count();
  const bad = await agent.post(`/courses/${courseId}/assignments`).type("form").send({ _csrf: csrfFrom(form.text), title: "Timed", kind: "exam", timeLimitMinutes: "-3", item0_exercise: "gaussian-mle" }).expect(400);
  expect(bad.text).toContain("Time limit: timeLimitMinutes must be a positive number of minutes");
  expect(bad.text).toContain('value="-3"');
  expect(await t.db.assignment.count()).toBe(before);
  const ok = await agent.post(`/courses/${courseId}/assignments`).type("form").send({ _csrf: csrfFrom(form.text), title: "Timed", kind: "exam", timeLimitMinutes: "45.5", practice: "always", item0_exercise: "gaussian-mle" }).expect(303);
  const id = Number(/\/assignments\/(\d+)/.exec(ok.headers.location)![1]);
  expect(await t.db.assignment.findUniqueOrThrow({ where: { id } })).toMatchObject({ timeLimitMinutes: 45.5, practice: "always" });
  const edit = await agent.get(`/assignments/${id}/edit`).expect(200);
  expect(edit.text).toContain('value="45.5"');
  await agent.post(`/assignments/${id}/edit`).type("form").send({ _csrf: csrfFrom(edit.text), title: "Timed", kind: "exam", timeLimitMinutes: "", practice: "never" }).expect(303);
  expect(await t.db.assignment.findUniqueOrThrow({ where: { id } })).toMatchObject({ timeLimitMinutes: null, practice: "never" });
  const audit = await t.db.auditEntry.findFirstOrThrow({ where: { assignmentId: id, action: "assignment.update" } });
  expect(audit.summary).toMatch(/timeLimitMinutes/);
});
