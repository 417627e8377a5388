/**
 * Issue 13, student side, at the HTTP level: where the result lands after Submit, plain-words
 * feedback with the significant digits, matrix forms and sizes, and the assignment's policies
 * stated on the student's pages. (The browser suite checks the same pages laid out in Chromium.)
 */
import { allTokens, as, PASSWORD, twoCourses, type Tokens } from "../support/fixtures";
import { createTestApp, csrfFrom, signInAgent, type TestApp } from "../support/test-app";

let t: TestApp;
let tok: Tokens;
let courseId: number;
type Agent = Awaited<ReturnType<typeof signInAgent>>;
let student1: Agent;
let homework: { id: number; items: number[] };
let lastCounts: { id: number; items: number[] };

async function createAssignment(body: object): Promise<{ id: number; items: number[] }> {
  const res = await as(t.app, tok.instructor).post(`/api/v1/courses/${courseId}/assignments`, body).expect(201);
  const items = (await t.db.assignmentItem.findMany({ where: { assignmentId: res.body.id }, orderBy: { position: "asc" } })).map((i) => i.id);
  return { id: res.body.id as number, items };
}

beforeAll(async () => {
  t = await createTestApp({ LIKELY_SUBMIT_LIMIT_PER_MINUTE: "0" });
  ({ courseId } = await twoCourses(t.db));
  tok = await allTokens(t.app);
  student1 = await signInAgent(t.app, "student1@example.edu", PASSWORD);
  homework = await createAssignment({
    title: "Feedback homework", kind: "homework", maxAttempts: 10, revealPolicy: "after-attempts", scorePolicy: "best", dueAt: "2099-01-01T12:00:00Z",
    items: [
      { exercise: "gaussian-mle" },
      { exercise: "bernoulli-mle", rtol: 0.001 },
      { exercise: "e-step", params: { m: 4, d: 1, k: 2 } },
      { exercise: "em-iteration", params: { n: 8, d: 1, k: 2 } },
    ],
  });
  lastCounts = await createAssignment({ title: "Last counts", kind: "homework", revealPolicy: "after-due", scorePolicy: "last", items: [{ exercise: "gaussian-mle" }] });
});
afterAll(() => t.close());

const itemPath = (a: { id: number; items: number[] }, i: number) => `/assignments/${a.id}/items/${a.items[i]}`;

async function key(email: string, itemId: number): Promise<Record<string, unknown>> {
  const v = await t.db.variant.findFirstOrThrow({ where: { itemId, user: { email } } });
  return JSON.parse(v.key) as Record<string, unknown>;
}

async function submitForm(agent: Agent, path: string, answers: Record<string, string>) {
  const page = await agent.get(path).expect(200);
  const fields: Record<string, string> = { _csrf: csrfFrom(page.text), idempotencyKey: /name="idempotencyKey" value="([^"]+)"/.exec(page.text)![1]! };
  for (const [k, v] of Object.entries(answers)) fields[`part_${k}`] = v;
  return agent.post(path).type("form").send(fields);
}

describe("finding 1: the result is where the page lands, and has the focus", () => {
  test("a graded submission redirects to the result anchor; the result is in the answer form and takes the focus", async () => {
    const res = await submitForm(student1, itemPath(homework, 0), { mean: "1", variance: "2" });
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/\?result=\d+#result$/);
    const page = await student1.get(res.headers.location.replace(/#.*/, "")).expect(200);
    const form = page.text.slice(page.text.indexOf('<form method="post" action="/assignments/'));
    expect(form).toMatch(/<div id="result" class="notice[^"]*" role="status" tabindex="-1" autofocus>/);
    expect(page.text.indexOf('id="result"')).toBeLessThan(page.text.indexOf('id="part-mean"'));
    // Once: a second element with the same id or a second autofocus would split the landing point.
    expect(page.text.match(/id="result"/g)).toHaveLength(1);
    expect(page.text.match(/autofocus/g)).toHaveLength(1);
  });

  test("unreadable answers (422): the first bad field takes the focus, the summary sits in the form above it", async () => {
    const res = await submitForm(student1, itemPath(homework, 0), { mean: "1", variance: "two" });
    expect(res.status).toBe(422);
    expect(res.text).toMatch(/<input id="part-variance"[^>]*autofocus[^>]*aria-invalid="true"/);
    expect(res.text).not.toMatch(/<input id="part-mean"[^>]*autofocus/);
    expect(res.text.match(/autofocus/g)).toHaveLength(1);
    const summary = res.text.indexOf("Some answers could not be read");
    expect(summary).toBeGreaterThan(res.text.indexOf('<form method="post" action="/assignments/'));
    expect(summary).toBeLessThan(res.text.indexOf('id="part-mean"'));
  });

  test("the stylesheet keeps anchored and focused content clear of the sticky header", async () => {
    const css = await student1.get("/static/css/likely.css").expect(200);
    expect(css.text).toMatch(/html \{ scroll-padding-top: 4\.5rem; \}/);
    expect(css.text).toMatch(/\.topbar \{[^}]*position: sticky/);
  });
});

describe("finding 3: plain-words feedback with the significant digits", () => {
  test("every exercise page states the digits expected, from the item's own tolerance", async () => {
    const page = await student1.get(itemPath(homework, 0)).expect(200);
    expect(page.text).toContain("Give at least 3 significant digits: an answer within 1% of the exact value counts.");
    const strict = await student1.get(itemPath(homework, 1)).expect(200);
    expect(strict.text).toContain("Give at least 4 significant digits: an answer within 0.1% of the exact value counts.");
  });

  test("an undiagnosed wrong answer says too high or too low, in plain words, without the key", async () => {
    await student1.get(itemPath(homework, 0)).expect(200);
    const k = await key("student1@example.edu", homework.items[0]!);
    const mean = k.mean as number;
    const variance = k.variance as number;
    const v = await t.db.variant.findFirstOrThrow({ where: { itemId: homework.items[0]!, user: { email: "student1@example.edu" } } });
    // Half the variance is the standard deviation when σ̂² ≈ 4, a named mistake: then a different too-low value.
    const low = Math.abs(variance * 0.5 - Math.sqrt(variance)) < 0.05 * variance ? variance * 0.3 : variance * 0.5;
    const res = await as(t.app, tok.student1).post(`/api/v1/variants/${v.id}/submissions`, { answers: { mean: mean + Math.abs(mean) * 0.05 + 1, variance: low } }).expect(201);
    const [m, s2] = res.body.parts as { feedback: string }[];
    expect(m!.feedback).toBe("Your answer is too high. Give at least 3 significant digits: an answer within 1% of the exact value counts.");
    expect(s2!.feedback).toMatch(/^Your answer is too low\. Give at least 3 significant digits/);
    expect(`${m!.feedback} ${s2!.feedback}`).not.toMatch(/tolerance|absolute|1e-8/);
  });
});

describe("finding 4: matrices", () => {
  test("the e-step's 4 x 2 answer box has 4 rows", async () => {
    const page = await student1.get(itemPath(homework, 2)).expect(200);
    expect(page.text).toMatch(/<textarea id="part-responsibilities" name="part_responsibilities" rows="4"/);
    const em = await student1.get(itemPath(homework, 3)).expect(200);
    expect(em.text).toMatch(/<textarea id="part-means" name="part_means" rows="2"/);
  });

  test.each([["-2.14, 3.98"], ["[-2.14, 3.98]"], ["-2.14; 3.98;"], ["-2.14 3.98"]])("d = 1 mixture means (k x 1) accept %j from the form", async (means) => {
    const res = await submitForm(student1, itemPath(homework, 3), { weights: "0.5, 0.5", means, variances: "1, 1" });
    expect(res.status).toBe(303);
  });

  test("d = 1 mixture means accept a flat JSON list through the API", async () => {
    const v = await t.db.variant.findFirstOrThrow({ where: { itemId: homework.items[3]!, user: { email: "student1@example.edu" } } });
    await as(t.app, tok.student1).post(`/api/v1/variants/${v.id}/submissions`, { answers: { weights: [0.5, 0.5], means: [-2.14, 3.98], variances: [1, 1] } }).expect(201);
  });

  test("the history keeps a matrix's rows on their own lines (typed or sent as JSON)", async () => {
    await student1.get(itemPath(homework, 2)).expect(200);
    const v = await t.db.variant.findFirstOrThrow({ where: { itemId: homework.items[2]!, user: { email: "student1@example.edu" } } });
    await submitForm(student1, itemPath(homework, 2), { responsibilities: "0.5 0.5\n0.4 0.6\n0.3 0.7\n0.2 0.8" });
    await as(t.app, tok.student1).post(`/api/v1/variants/${v.id}/submissions`, { answers: { responsibilities: [[0.1, 0.9], [0.2, 0.8], [0.3, 0.7], [0.4, 0.6]] } }).expect(201);
    const page = await student1.get(itemPath(homework, 2)).expect(200);
    expect(page.text).toContain('<pre class="answer-text">0.5 0.5\n0.4 0.6\n0.3 0.7\n0.2 0.8</pre>');
    expect(page.text).toContain('<pre class="answer-text">0.1, 0.9\n0.2, 0.8\n0.3, 0.7\n0.4, 0.6</pre>');
    expect(page.text).not.toContain("[[0.1,0.9]");
  });
});

describe("finding 7: the policies are on the student's pages", () => {
  test("when solutions appear and which attempt counts: on the assignment and on each exercise", async () => {
    for (const path of [`/assignments/${homework.id}`, itemPath(homework, 0)]) {
      const page = await student1.get(path).expect(200);
      const text = page.text.replace(/<[^>]+>/g, "").replace(/\s+/g, " ");
      expect(text).toMatch(/Solutions appear for an exercise once you have used all 10 attempts at it, and for every exercise after the due date \(.+2099.*\)\./);
      expect(text).toContain("Score that counts: your best attempt at each exercise.");
    }
    const last = await student1.get(`/assignments/${lastCounts.id}`).expect(200);
    const text = last.text.replace(/<[^>]+>/g, "").replace(/\s+/g, " ");
    expect(text).toContain("Score that counts: your last attempt at each exercise.");
    expect(text).toContain("Solutions are not shown (this assignment has no due date).");
  });
});
