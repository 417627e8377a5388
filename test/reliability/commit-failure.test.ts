/**
 * Finding 27: the group commit must answer only after COMMIT. A kill -9 cannot land between the
 * two (better-sqlite3 commits synchronously), so the crash trials cannot tell; it matters when
 * COMMIT itself fails, and then the client must not be told "stored" for a rolled-back row.
 * Here COMMIT fails for real: a trigger adds a row that breaks a DEFERRED foreign key, which
 * SQLite checks only at COMMIT.
 */
import { sqliteConnection } from "../../src/db/client";
import { allTokens, as, twoCourses, type Tokens } from "../support/fixtures";
import { createTestApp, type TestApp } from "../support/test-app";

let t: TestApp;
let tok: Tokens;
let variantId: number;
const TRIPWIRE = "commit-fails-here";

beforeAll(async () => {
  t = await createTestApp({ LIKELY_SUBMIT_LIMIT_PER_MINUTE: "0" });
  const { courseId } = await twoCourses(t.db);
  tok = await allTokens(t.app);
  const { id } = (await as(t.app, tok.instructor).post(`/api/v1/courses/${courseId}/assignments`, { title: "Commit", kind: "homework", items: [{ exercise: "gaussian-mle" }] }).expect(201)).body;
  variantId = (await as(t.app, tok.student1).get(`/api/v1/assignments/${id}`).expect(200)).body.items[0].variantId;
  // Test-only schema on this suite's own database file.
  await t.db.$executeRawUnsafe(`CREATE TABLE CommitTripwire (variantId INTEGER REFERENCES Variant(id) DEFERRABLE INITIALLY DEFERRED)`);
  await t.db.$executeRawUnsafe(
    `CREATE TRIGGER commit_tripwire AFTER INSERT ON Submission WHEN NEW.idempotencyKey LIKE '${TRIPWIRE}%' BEGIN INSERT INTO CommitTripwire VALUES (-1); END`,
  );
});
afterAll(() => t.close());
// The failed COMMIT is a server error: it goes to the request log (silent in tests), never to the response.

const submit = (idempotencyKey: string) => as(t.app, tok.student1).post(`/api/v1/variants/${variantId}/submissions`, { answers: { mean: "1", variance: "2" }, idempotencyKey });

test("a submission whose COMMIT fails is answered as a failure, and nothing of it is stored", async () => {
  const res = await submit(`${TRIPWIRE}-1`);
  expect(res.status).toBe(500);
  expect(res.body.error).not.toMatch(/FOREIGN KEY|\n\s+at /);
  expect(await t.db.submission.count({ where: { variantId } })).toBe(0);
  expect(await t.db.$queryRawUnsafe(`SELECT COUNT(*) AS n FROM CommitTripwire`)).toEqual([{ n: 0n }]);
  // The connection is not left inside the failed transaction: the next submission is stored as attempt 1.
  expect(sqliteConnection(t.db)!.inTransaction).toBe(false);
  const ok = await submit("after-the-failure-1").expect(201);
  expect(ok.body.attemptsUsed).toBe(1);
  expect(await t.db.submission.count({ where: { variantId } })).toBe(1);
});

test("submissions sharing the failed COMMIT all fail; none is reported stored", async () => {
  const before = await t.db.submission.count();
  const responses = await Promise.all([submit("batch-mate-1"), submit(`${TRIPWIRE}-2`), submit("batch-mate-2")]);
  const stored = await t.db.submission.count();
  // Whatever shared the failing transaction is not stored; a 201 only for what is.
  const acknowledged = responses.filter((r) => r.status === 201).length;
  expect(stored - before).toBe(acknowledged);
  expect(responses[1]!.status).toBe(500);
});
