import request from "supertest";
import { allTokens, as, PASSWORD, twoCourses, type Tokens } from "../support/fixtures";
import { createTestApp, signInAgent, type TestApp } from "../support/test-app";

// Practice (CONTRACTS.md "Teaching depth"): a fresh variant of an exercise the student has, unlimited
// attempts, the worked solution on request, never in the gradebook, its CSV, totals or statistics.

let t: TestApp;
let tok: Tokens;
let courseId: number;

const DAY = 86400_000;
type Item = { itemId: number; variantId: number; data: unknown; attemptsUsed: number; score: number | null };

async function create(body: Record<string, unknown>): Promise<number> {
  const res = await as(t.app, tok.instructor).post(`/api/v1/courses/${courseId}/assignments`, { title: "Practice test", items: [{ exercise: "gaussian-mle", points: 2 }], ...body });
  expect(res.status).toBe(201);
  return res.body.id as number;
}

async function firstItem(token: string, id: number): Promise<Item> {
  const res = await as(t.app, token).get(`/api/v1/assignments/${id}`).expect(200);
  return res.body.items[0] as Item;
}

async function csv(): Promise<string> {
  const agent = await signInAgent(t.app, "instructor@example.edu", PASSWORD);
  return (await agent.get(`/courses/${courseId}/gradebook.csv`).expect(200)).text;
}

beforeAll(async () => {
  t = await createTestApp({ LIKELY_SUBMIT_LIMIT_PER_MINUTE: "0" });
  ({ courseId } = await twoCourses(t.db));
  tok = await allTokens(t.app);
});
afterAll(() => t.close());

describe("a practice variant never touches the gradebook", () => {
  let assignmentId: number;
  let graded: Item;
  let practiceId: number;

  beforeAll(async () => {
    assignmentId = await create({ kind: "homework", practice: "always", maxAttempts: 1, dueAt: new Date(Date.now() + 7 * DAY).toISOString() });
    graded = await firstItem(tok.student1, assignmentId);
    // One graded attempt, all wrong: 0 of 2 points, and the only attempt is used.
    await as(t.app, tok.student1).post(`/api/v1/variants/${graded.variantId}/submissions`, { answers: { mean: 1000, variance: 1000 } }).expect(201);
  });

  test("the owner gets a new variant of the same exercise and parameters with new data", async () => {
    const res = await as(t.app, tok.student1).post(`/api/v1/variants/${graded.variantId}/practice`).expect(201);
    practiceId = res.body.variantId;
    expect(practiceId).not.toBe(graded.variantId);
    const p = await as(t.app, tok.student1).get(`/api/v1/variants/${practiceId}/practice`).expect(200);
    expect(p.body).toMatchObject({ variantId: practiceId, assignmentId, itemId: graded.itemId, exercise: "gaussian-mle", practice: true });
    expect(p.body.data).not.toEqual(graded.data);
    expect(p.body.parts.map((x: { name: string }) => x.name)).toEqual(["mean", "variance"]);
    const [g, v] = await Promise.all([t.db.variant.findUniqueOrThrow({ where: { id: graded.variantId } }), t.db.variant.findUniqueOrThrow({ where: { id: practiceId } })]);
    expect(v.params).toBe(g.params);
    expect(v.seed).not.toBe(g.seed);
    expect(v.itemId).toBeNull();
  });

  test("unlimited attempts and the worked solution on request; grades, totals, CSV and statistics unchanged", async () => {
    const before = await as(t.app, tok.instructor).get(`/api/v1/courses/${courseId}/gradebook`).expect(200);
    const csvBefore = await csv();
    const subsBefore = await as(t.app, tok.instructor).get(`/api/v1/assignments/${assignmentId}/submissions`).expect(200);

    const sol = await as(t.app, tok.student1).get(`/api/v1/variants/${practiceId}/solution`).expect(200);
    expect(Object.keys(sol.body).sort()).toEqual(["key", "solution"]);
    for (let i = 0; i < 3; i++) {
      const wrong = await as(t.app, tok.student1).post(`/api/v1/variants/${practiceId}/submissions`, { answers: { mean: 1000, variance: 1000 } }).expect(201);
      expect(wrong.body).toMatchObject({ score: 0, attemptsUsed: i + 1, attemptsLeft: null });
    }
    const right = await as(t.app, tok.student1).post(`/api/v1/variants/${practiceId}/submissions`, { answers: sol.body.key }).expect(201);
    expect(right.body).toMatchObject({ score: 1, attemptsUsed: 4, attemptsLeft: null });

    const after = await as(t.app, tok.instructor).get(`/api/v1/courses/${courseId}/gradebook`).expect(200);
    expect(after.body).toEqual(before.body);
    const row = after.body.students.find((s: { email: string }) => s.email === "student1@example.edu");
    expect(row.scores[String(assignmentId)]).toBe(0);
    expect(await csv()).toBe(csvBefore);
    const subsAfter = await as(t.app, tok.instructor).get(`/api/v1/assignments/${assignmentId}/submissions`).expect(200);
    expect(subsAfter.body).toEqual(subsBefore.body);
    const mine = await as(t.app, tok.student1).get(`/api/v1/assignments/${assignmentId}`).expect(200);
    expect(mine.body).toMatchObject({ earned: 0, points: 2 });
    expect(mine.body.items[0]).toMatchObject({ variantId: graded.variantId, attemptsUsed: 1, attemptsLeft: 0, score: 0 });
    // No LMS grade passback row either (the outbox is fed through Variant.itemId).
    expect(await t.db.ltiScoreOutbox.count()).toBe(0);
  });

  test("'another one' from a practice variant gives yet another variant", async () => {
    const res = await as(t.app, tok.student1).post(`/api/v1/variants/${practiceId}/practice`).expect(201);
    expect(res.body.variantId).not.toBe(practiceId);
    expect(await t.db.variant.count({ where: { practiceItemId: graded.itemId, userId: (await t.db.user.findUniqueOrThrow({ where: { email: "student1@example.edu" } })).id } })).toBe(2);
  });

  test("the graded variant's solution stays hidden before the reveal policy allows (404)", async () => {
    await as(t.app, tok.student1).get(`/api/v1/variants/${graded.variantId}/solution`).expect(404);
  });

  test("nobody else practises, reads or submits to a student's variants (404)", async () => {
    for (const token of [tok.student2, tok.otherStudent, tok.otherInstructor, tok.instructor]) {
      await as(t.app, token).post(`/api/v1/variants/${graded.variantId}/practice`).expect(404);
      await as(t.app, token).get(`/api/v1/variants/${practiceId}/solution`).expect(404);
      await as(t.app, token).get(`/api/v1/variants/${practiceId}/practice`).expect(404);
      await as(t.app, token).post(`/api/v1/variants/${practiceId}/submissions`, { answers: { mean: 1, variance: 1 } }).expect(404);
    }
    await request(t.app).post(`/api/v1/variants/${graded.variantId}/practice`).expect(401);
  });
});

test("LMS grade passback: a graded submission is queued for the LMS, a practice submission is not", async () => {
  const id = await create({ kind: "homework", practice: "always" });
  const s2 = await t.db.user.findUniqueOrThrow({ where: { email: "student2@example.edu" } });
  const platform = await t.db.ltiPlatform.create({ data: { issuer: "https://lms.example.edu", clientId: "likely", authUrl: "https://lms.example.edu/auth", tokenUrl: "https://lms.example.edu/token", jwksUrl: "https://lms.example.edu/jwks" } });
  const lineItem = await t.db.ltiLineItem.create({ data: { platformId: platform.id, assignmentId: id, url: "https://lms.example.edu/lineitems/1" } });
  await t.db.ltiUser.create({ data: { issuer: platform.issuer, sub: "s2", userId: s2.id } });
  const item = await firstItem(tok.student2, id);
  const practice = (await as(t.app, tok.student2).post(`/api/v1/variants/${item.variantId}/practice`).expect(201)).body.variantId;
  await as(t.app, tok.student2).post(`/api/v1/variants/${practice}/submissions`, { answers: { mean: 1, variance: 1 } }).expect(201);
  expect(await t.db.ltiScoreOutbox.count({ where: { lineItemId: lineItem.id } })).toBe(0);
  await as(t.app, tok.student2).post(`/api/v1/variants/${item.variantId}/submissions`, { answers: { mean: 1, variance: 1 } }).expect(201);
  expect(await t.db.ltiScoreOutbox.count({ where: { lineItemId: lineItem.id, userId: s2.id } })).toBe(1);
});

describe("when practice is available", () => {
  test("default 'after-due': refused (409) before the student's due date, allowed after; the graded solution then shows", async () => {
    const id = await create({ kind: "homework", dueAt: new Date(Date.now() + DAY).toISOString() });
    const item = await firstItem(tok.student2, id);
    const early = await as(t.app, tok.student2).post(`/api/v1/variants/${item.variantId}/practice`).expect(409);
    expect(early.body.error).toMatch(/after the due date/);
    expect((await as(t.app, tok.student2).get(`/api/v1/assignments/${id}`)).body).toMatchObject({ practice: "after-due", practiceAvailable: false });
    await t.db.assignment.update({ where: { id }, data: { dueAt: new Date(Date.now() - 60_000) } });
    await as(t.app, tok.student2).post(`/api/v1/variants/${item.variantId}/practice`).expect(201);
    const sol = await as(t.app, tok.student2).get(`/api/v1/variants/${item.variantId}/solution`).expect(200);
    expect(sol.body.key).toEqual(expect.objectContaining({ mean: expect.any(Number) }));
  });

  test("'never': refused", async () => {
    const id = await create({ kind: "homework", practice: "never", dueAt: new Date(Date.now() - DAY).toISOString() });
    const item = await firstItem(tok.student2, id);
    const res = await as(t.app, tok.student2).post(`/api/v1/variants/${item.variantId}/practice`).expect(409);
    expect(res.body.error).toMatch(/not offered/);
  });

  test("an exam's exercises are not practised while anyone may still sit it, whatever the setting", async () => {
    const id = await create({ kind: "exam", practice: "always", dueAt: new Date(Date.now() + DAY).toISOString() });
    const item = await firstItem(tok.student2, id);
    const running = await as(t.app, tok.student2).post(`/api/v1/variants/${item.variantId}/practice`).expect(409);
    expect(running.body.error).toMatch(/over for everyone/);
    // Past the due date, but another student has an extension: still refused.
    await t.db.assignment.update({ where: { id }, data: { dueAt: new Date(Date.now() - 60_000) } });
    const s3 = await t.db.user.findUniqueOrThrow({ where: { email: "student3@example.edu" } });
    await t.db.extension.create({ data: { assignmentId: id, userId: s3.id, dueAt: new Date(Date.now() + DAY) } });
    await as(t.app, tok.student2).post(`/api/v1/variants/${item.variantId}/practice`).expect(409);
    await t.db.extension.update({ where: { assignmentId_userId: { assignmentId: id, userId: s3.id } }, data: { dueAt: new Date(Date.now() - 1000) } });
    await as(t.app, tok.student2).post(`/api/v1/variants/${item.variantId}/practice`).expect(201);
  });

  test("an exam without a due date never opens practice", async () => {
    const id = await create({ kind: "exam", practice: "always" });
    const item = await firstItem(tok.student2, id);
    await as(t.app, tok.student2).post(`/api/v1/variants/${item.variantId}/practice`).expect(409);
  });

  test("bad practice settings are refused with the field named and nothing created", async () => {
    const before = await t.db.assignment.count();
    const res = await as(t.app, tok.instructor).post(`/api/v1/courses/${courseId}/assignments`, { title: "x", kind: "homework", practice: "sometimes", items: [{ exercise: "gaussian-mle" }] }).expect(400);
    expect(res.body.error).toMatch(/^practice: /);
    expect(await t.db.assignment.count()).toBe(before);
  });
});
