import { allTokens, as, twoCourses, type Tokens } from "../support/fixtures";
import { leakedForms } from "../support/key-leak";
import { createTestApp, type TestApp } from "../support/test-app";

let t: TestApp;
let tok: Tokens;
let courseId: number;
let otherCourseId: number;
let assignmentId: number;

type Item = { itemId: number; exercise: string; variantId: number; prompt: string; data: { x: number[] | number[][] }; parts: { name: string }[]; attemptsUsed: number; attemptsLeft: number | null; key?: unknown };

const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
const mleVariance = (x: number[]) => mean(x.map((v) => (v - mean(x)) ** 2));

async function assignmentAs(token: string, id = assignmentId): Promise<{ items: Item[] }> {
  const res = await as(t.app, token).get(`/api/v1/assignments/${id}`).expect(200);
  return res.body;
}

beforeAll(async () => {
  t = await createTestApp({ LIKELY_SUBMIT_LIMIT_PER_MINUTE: "0" });
  ({ courseId, otherCourseId } = await twoCourses(t.db));
  tok = await allTokens(t.app);
  const created = await as(t.app, tok.instructor)
    .post(`/api/v1/courses/${courseId}/assignments`, {
      title: "Week 2 homework",
      kind: "homework",
      dueAt: new Date(Date.now() + 7 * 86400_000).toISOString(),
      maxAttempts: 3,
      items: [{ exercise: "gaussian-mle", points: 2 }, { exercise: "bernoulli-mle" }, { exercise: "spherical-gaussian-mle", params: { n: 6, d: 3 } }],
    })
    .expect(201);
  assignmentId = created.body.id;
});
afterAll(() => t.close());

describe("creating assignments", () => {
  test("the instructor's assignment is listed for members", async () => {
    const list = await as(t.app, tok.student1).get(`/api/v1/courses/${courseId}/assignments`).expect(200);
    expect(list.body).toContainEqual(expect.objectContaining({ id: assignmentId, title: "Week 2 homework", kind: "homework", maxAttempts: 3 }));
  });

  test("bad items are refused with the field named", async () => {
    const unknown = await as(t.app, tok.instructor).post(`/api/v1/courses/${courseId}/assignments`, { title: "x", kind: "homework", items: [{ exercise: "nope" }] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatch(/^items\.0\.exercise: unknown exercise "nope"/);
    const badParam = await as(t.app, tok.instructor).post(`/api/v1/courses/${courseId}/assignments`, { title: "x", kind: "homework", items: [{ exercise: "gaussian-mle", params: { n: -4 } }] });
    expect(badParam.status).toBe(400);
    expect(badParam.body.error).toMatch(/^items\.0\.params: .*n/);
    const badKind = await as(t.app, tok.instructor).post(`/api/v1/courses/${courseId}/assignments`, { title: "x", kind: "quiz", items: [{ exercise: "gaussian-mle" }] });
    expect(badKind.body.error).toMatch(/^kind: /);
  });

  test("students and other instructors cannot create assignments (404 like a missing course)", async () => {
    const body = { title: "x", kind: "homework", items: [{ exercise: "gaussian-mle" }] };
    const missing = await as(t.app, tok.instructor).post(`/api/v1/courses/987654/assignments`, body);
    for (const token of [tok.student1, tok.otherInstructor]) {
      const res = await as(t.app, token).post(`/api/v1/courses/${courseId}/assignments`, body);
      expect(res.status).toBe(404);
      expect(res.body).toEqual(missing.body);
    }
  });
});

describe("submitting", () => {
  test("a student gets their own variant, stored on first view and stable", async () => {
    const first = await assignmentAs(tok.student1);
    const second = await assignmentAs(tok.student1);
    expect(first.items.map((i) => i.variantId)).toEqual(second.items.map((i) => i.variantId));
    expect(first.items.map((i) => i.exercise)).toEqual(["gaussian-mle", "bernoulli-mle", "spherical-gaussian-mle"]);
    expect(first.items[2]!.data.x).toHaveLength(6);
    expect((first.items[2]!.data.x as number[][])[0]).toHaveLength(3);
    const other = await assignmentAs(tok.student2);
    expect(other.items[0]!.variantId).not.toBe(first.items[0]!.variantId);
    expect(other.items[0]!.data).not.toEqual(first.items[0]!.data);
    for (const item of first.items) expect(item).not.toHaveProperty("key");
  });

  test("a diagnosed mistake, then the right answer; unreadable input costs no attempt", async () => {
    const item = (await assignmentAs(tok.student1)).items[0]!;
    const x = item.data.x as number[];
    const n = x.length;
    const url = `/api/v1/variants/${item.variantId}/submissions`;

    const unreadable = await as(t.app, tok.student1).post(url, { answers: { mean: "1,5", variance: "" } }).expect(422);
    expect(unreadable.body.error).toMatch(/could not be read/);
    expect(Object.keys(unreadable.body.parts).sort()).toEqual(["mean", "variance"]);
    expect(unreadable.body.parts.mean).toMatch(/dot/);

    const wrong = await as(t.app, tok.student1).post(url, { answers: { mean: mean(x), variance: (mleVariance(x) * n) / (n - 1) } }).expect(201);
    expect(wrong.body.attemptsUsed).toBe(1);
    expect(wrong.body.attemptsLeft).toBe(2);
    expect(wrong.body.score).toBe(0.5);
    const variancePart = wrong.body.parts.find((p: { name: string }) => p.name === "variance");
    expect(variancePart).toMatchObject({ correct: false, mistake: "n-minus-1" });
    expect(variancePart.feedback).toMatch(/n − 1|n - 1/);

    const right = await as(t.app, tok.student1).post(url, { answers: { mean: String(mean(x)), variance: mleVariance(x).toPrecision(6) } }).expect(201);
    expect(right.body).toMatchObject({ score: 1, attemptsUsed: 2, attemptsLeft: 1 });
    expect(right.body.parts.every((p: { correct: boolean }) => p.correct)).toBe(true);
  });

  test("a retried request with the same idempotency key stores one submission", async () => {
    const item = (await assignmentAs(tok.student2)).items[1]!;
    const url = `/api/v1/variants/${item.variantId}/submissions`;
    const body = { answers: { theta: "1/2" }, idempotencyKey: "retry-key-0001" };
    const a = await as(t.app, tok.student2).post(url, body).expect(201);
    const b = await as(t.app, tok.student2).post(url, body).expect(200);
    expect(b.body.submissionId).toBe(a.body.submissionId);
    expect((await assignmentAs(tok.student2)).items[1]!.attemptsUsed).toBe(1);
  });

  test("25 parallel submissions against 3 allowed attempts store exactly 3", async () => {
    const item = (await assignmentAs(tok.student3)).items[1]!;
    const url = `/api/v1/variants/${item.variantId}/submissions`;
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => as(t.app, tok.student3).post(url, { answers: { theta: String(i / 25) } })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(3);
    expect(statuses.filter((s) => s === 409)).toHaveLength(22);
    expect(await t.db.submission.count({ where: { variantId: item.variantId } })).toBe(3);
    const attempts = (await t.db.submission.findMany({ where: { variantId: item.variantId }, select: { attempt: true } })).map((s) => s.attempt).sort();
    expect(attempts).toEqual([1, 2, 3]);
    const refused = results.find((r) => r.status === 409)!;
    expect(refused.body.error).toMatch(/No attempts left/);
  });

  test("bad submission bodies are 400 with the field named, and nothing is stored", async () => {
    const item = (await assignmentAs(tok.student1)).items[2]!;
    const url = `/api/v1/variants/${item.variantId}/submissions`;
    const before = await t.db.submission.count();
    expect((await as(t.app, tok.student1).post(url, { answer: {} })).body.error).toMatch(/^answers: |body: /);
    expect((await as(t.app, tok.student1).post(url, { answers: [] })).status).toBe(400);
    expect((await as(t.app, tok.student1).post(url, { answers: { mean: "[1,2,3]", variance: "1", extra: "2" } })).status).toBe(422);
    expect(await t.db.submission.count()).toBe(before);
  });
});

describe("nothing of another person's answers", () => {
  test("another student's variant, submission list or key answers 404 exactly like a missing one", async () => {
    const mine = (await assignmentAs(tok.student1)).items[0]!;
    const routes: [string, string, object?][] = [
      ["post", `/api/v1/variants/${mine.variantId}/submissions`, { answers: { mean: 1, variance: 1 } }],
      ["get", `/api/v1/variants/${mine.variantId}/key`],
      ["get", `/api/v1/assignments/${assignmentId}/submissions`],
      ["get", `/api/v1/courses/${courseId}/gradebook`],
    ];
    const missing: Record<string, unknown> = {};
    for (const [method, path, body] of routes) {
      const missingPath = path.replace(`/variants/${mine.variantId}/`, "/variants/99999999/").replace(`assignments/${assignmentId}`, "assignments/99999999").replace(`courses/${courseId}`, "courses/99999999");
      const m = method === "get" ? await as(t.app, tok.instructor).get(missingPath) : await as(t.app, tok.student2).post(missingPath, body);
      expect(m.status).toBe(404);
      missing[path] = m.body;
      for (const who of [tok.student2, tok.otherStudent, tok.otherInstructor]) {
        const res = method === "get" ? await as(t.app, who).get(path) : await as(t.app, who).post(path, body);
        expect({ path, status: res.status, body: res.body }).toEqual({ path, status: 404, body: m.body });
      }
    }
    const otherCourse = await as(t.app, tok.student1).get(`/api/v1/courses/${otherCourseId}/assignments`);
    expect(otherCourse.status).toBe(404);
    const notMine = await as(t.app, tok.otherStudent).get(`/api/v1/assignments/${assignmentId}`);
    const none = await as(t.app, tok.otherStudent).get(`/api/v1/assignments/99999999`);
    expect(notMine.status).toBe(404);
    expect(notMine.body).toEqual(none.body);
  });

  test("the instructor sees keys, submissions and the gradebook", async () => {
    const mine = (await assignmentAs(tok.student1)).items[0]!;
    const key = await as(t.app, tok.instructor).get(`/api/v1/variants/${mine.variantId}/key`).expect(200);
    const x = mine.data.x as number[];
    expect(key.body.key.mean).toBeCloseTo(mean(x), 10);
    expect(key.body.key.variance).toBeCloseTo(mleVariance(x), 10);
    expect(key.body.solution.steps.length).toBeGreaterThan(0);
    const subs = await as(t.app, tok.instructor).get(`/api/v1/assignments/${assignmentId}/submissions`).expect(200);
    expect(subs.body.length).toBeGreaterThanOrEqual(6);
    expect(subs.body[0]).toEqual(expect.objectContaining({ id: expect.any(Number), variantId: expect.any(Number), userId: expect.any(Number), score: expect.any(Number), createdAt: expect.any(String) }));
    const book = await as(t.app, tok.instructor).get(`/api/v1/courses/${courseId}/gradebook`).expect(200);
    const column = book.body.assignments.find((a: { id: number }) => a.id === assignmentId);
    expect(column).toMatchObject({ title: "Week 2 homework", points: 4 });
    const s1 = book.body.students.find((s: { email: string }) => s.email === "student1@example.edu");
    expect(s1.scores[String(assignmentId)]).toBe(2); // gaussian-mle right (2 points)
    expect(s1.total).toBeGreaterThanOrEqual(2);
  });

  test("no key value in a student's JSON before the reveal, and the key after the due date", async () => {
    const before = await as(t.app, tok.student1).get(`/api/v1/assignments/${assignmentId}`).expect(200);
    for (const item of before.body.items as Item[]) {
      const key = (await as(t.app, tok.instructor).get(`/api/v1/variants/${item.variantId}/key`)).body.key;
      // The item itself from 4 significant digits; the whole body (other items' data) from 6.
      expect(leakedForms(JSON.stringify(item), key, item.data)).toEqual([]);
      expect(leakedForms(before.text, key, item.data, 6)).toEqual([]);
    }
    await t.db.assignment.update({ where: { id: assignmentId }, data: { dueAt: new Date(Date.now() - 1000) } });
    const after = await assignmentAs(tok.student1);
    expect(after.items[0]!.key).toEqual(expect.objectContaining({ mean: expect.any(Number), variance: expect.any(Number) }));
    const closed = await as(t.app, tok.student1).post(`/api/v1/variants/${after.items[1]!.variantId}/submissions`, { answers: { theta: "0.5" } });
    expect(closed.status).toBe(409);
    expect(closed.body.error).toMatch(/closed/);
    await t.db.assignment.update({ where: { id: assignmentId }, data: { dueAt: new Date(Date.now() + 86400_000) } });
  });
});
