/**
 * Finding 26: the attempt limit where submissions are stored through Prisma (while a Prisma
 * interactive transaction is open on the adapter's connection, src/db/submissions.ts
 * insertWithPrisma). The only test of that path had no attempt limit, so `>=` turned `>` there
 * passed. The path is taken only when a transaction is open at the moment of storing, which an
 * HTTP request cannot arrange on purpose (its context read waits for the transaction), so this
 * test drives the store function itself, with a transaction held open, and the service's limit.
 */
import { sqliteConnection } from "../../src/db/client";
import { insertSubmissionWithinLimit, type NewSubmission } from "../../src/db/submissions";
import { allTokens, as, twoCourses } from "../support/fixtures";
import { createTestApp, type TestApp } from "../support/test-app";

let t: TestApp;
let courseId: number;
let variant: { variantId: number; userId: number };

beforeAll(async () => {
  t = await createTestApp({ LIKELY_SUBMIT_LIMIT_PER_MINUTE: "0" });
  ({ courseId } = await twoCourses(t.db));
  const tok = await allTokens(t.app);
  const { id } = (await as(t.app, tok.instructor).post(`/api/v1/courses/${courseId}/assignments`, { title: "Prisma path", kind: "homework", maxAttempts: 2, items: [{ exercise: "bernoulli-mle" }] }).expect(201)).body;
  const variantId = (await as(t.app, tok.student1).get(`/api/v1/assignments/${id}`).expect(200)).body.items[0].variantId;
  const userId = (await as(t.app, tok.student1).get("/api/v1/me").expect(200)).body.id;
  variant = { variantId, userId };
});
afterAll(() => t.close());

const submission = (key: string): NewSubmission => ({ ...variant, raw: '{"theta":0.5}', parsed: '{"theta":0.5}', results: "[]", score: 0, idempotencyKey: key });

test("with a Prisma transaction open, the attempt limit holds exactly: 2 of 3 stored, the 3rd out of attempts", async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let opened!: () => void;
  const isOpen = new Promise<void>((resolve) => (opened = resolve));
  const foreign = t.db.$transaction(async (tx) => {
    await tx.course.findUnique({ where: { id: courseId } });
    opened();
    await gate;
  });
  await isOpen;
  expect(sqliteConnection(t.db)!.inTransaction).toBe(true); // so every call below takes the Prisma path
  const calls = ["prisma-path-a1", "prisma-path-a2", "prisma-path-a3"].map((k) => insertSubmissionWithinLimit(t.db, submission(k), 2));
  release();
  await foreign;
  const outcomes = await Promise.all(calls);
  expect(outcomes.map((o) => o.kind)).toEqual(["stored", "stored", "out-of-attempts"]);
  expect(outcomes.slice(0, 2).map((o) => (o.kind === "stored" ? o.submission.attempt : 0))).toEqual([1, 2]);
  expect(await t.db.submission.count({ where: { variantId: variant.variantId } })).toBe(2);
});
