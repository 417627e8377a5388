/**
 * The submission guarantees with several processes on one database (each process has its own
 * Prisma client and connections): the attempt limit holds, numbers stay 1..n without gaps or
 * repeats, an idempotency key stores once, and what one client acknowledged is committed (another
 * client reads it at once). Two clients racing in one process stand in for two server processes
 * here; on PostgreSQL this is the row lock on the variant (src/db/submissions.ts), on SQLite the
 * file's write lock. Runs on both databases.
 */
import { openDb, type Db } from "../../src/db/client";
import { insertSubmissionWithinLimit, type InsertOutcome, type NewSubmission } from "../../src/db/submissions";
import { allTokens, as, twoCourses, type Tokens } from "../support/fixtures";
import { createTestApp, type TestApp } from "../support/test-app";

let t: TestApp;
let tok: Tokens;
let courseId: number;
let others: Db[];

beforeAll(async () => {
  t = await createTestApp({ LIKELY_SUBMIT_LIMIT_PER_MINUTE: "0" });
  ({ courseId } = await twoCourses(t.db));
  tok = await allTokens(t.app);
  others = [await openDb({ url: t.config.databaseUrl, synchronous: "NORMAL" }), await openDb({ url: t.config.databaseUrl, synchronous: "NORMAL" })];
});
afterAll(async () => {
  for (const db of others ?? []) await db.$disconnect();
  await t.close();
});

/** A new homework with one item; the student's variant and user id. */
async function variantFor(title: string, maxAttempts: number | null): Promise<{ variantId: number; userId: number }> {
  const a = await as(t.app, tok.instructor).post(`/api/v1/courses/${courseId}/assignments`, { title, kind: "homework", maxAttempts, items: [{ exercise: "gaussian-mle" }] }).expect(201);
  const view = await as(t.app, tok.student1).get(`/api/v1/assignments/${a.body.id}`).expect(200);
  const userId = (await as(t.app, tok.student1).get("/api/v1/me").expect(200)).body.id as number;
  return { variantId: view.body.items[0].variantId as number, userId };
}

const submission = (v: { variantId: number; userId: number }, i: number, idempotencyKey: string | null): NewSubmission => ({
  variantId: v.variantId,
  userId: v.userId,
  raw: JSON.stringify({ mean: String(i), variance: "1" }),
  parsed: JSON.stringify({ mean: i, variance: 1 }),
  results: "[]",
  score: 0,
  idempotencyKey,
});

/** `n` submissions at once, spread over the app's client and the two others. */
function race(n: number, make: (i: number) => NewSubmission, maxAttempts: number | null): Promise<InsertOutcome[]> {
  const clients = [t.db, ...others];
  return Promise.all(Array.from({ length: n }, (_, i) => insertSubmissionWithinLimit(clients[i % clients.length]!, make(i), maxAttempts)));
}

test("30 at once through three clients against 3 attempts store exactly 3, numbered 1..3", async () => {
  const v = await variantFor("Race for three", 3);
  const outcomes = await race(30, (i) => submission(v, i, `three-${i}`), 3);
  const stored = outcomes.filter((o) => o.kind === "stored");
  expect(stored).toHaveLength(3);
  expect(outcomes.filter((o) => o.kind === "out-of-attempts")).toHaveLength(27);
  expect(stored.map((o) => (o.kind === "stored" ? o.submission.attempt : 0)).sort()).toEqual([1, 2, 3]);
  for (const db of [t.db, ...others]) expect(await db.submission.count({ where: { variantId: v.variantId } })).toBe(3);
});

test("30 at once without a limit: all stored, attempts 1..30 with no repeat", async () => {
  const v = await variantFor("Race without a limit", null);
  const outcomes = await race(30, (i) => submission(v, i, null), null);
  expect(outcomes.every((o) => o.kind === "stored")).toBe(true);
  const attempts = (await others[1]!.submission.findMany({ where: { variantId: v.variantId }, select: { attempt: true }, orderBy: { attempt: "asc" } })).map((r) => r.attempt);
  expect(attempts).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
});

test("one idempotency key sent 12 times at once through three clients is stored once", async () => {
  const v = await variantFor("Same key everywhere", null);
  const outcomes = await race(12, () => submission(v, 7, "the-one-key"), null);
  const ids = new Set(outcomes.map((o) => (o.kind === "out-of-attempts" ? -1 : o.submission.id)));
  expect(ids.size).toBe(1);
  expect(outcomes.filter((o) => o.kind === "stored")).toHaveLength(1);
  expect(outcomes.filter((o) => o.kind === "duplicate")).toHaveLength(11);
  expect(await t.db.submission.count({ where: { variantId: v.variantId } })).toBe(1);
});

test("a submission acknowledged through one client is read at once through another", async () => {
  const v = await variantFor("Read after ack", null);
  for (let i = 0; i < 10; i++) {
    const o = await insertSubmissionWithinLimit(others[i % 2]!, submission(v, i, `ack-${i}`), null);
    expect(o.kind).toBe("stored");
    const id = o.kind === "stored" ? o.submission.id : -1;
    expect(await t.db.submission.findUnique({ where: { id } })).toMatchObject({ idempotencyKey: `ack-${i}`, attempt: i + 1 });
  }
});
