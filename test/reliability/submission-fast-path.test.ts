/**
 * The submission hot path reads and writes on the Prisma adapter's own better-sqlite3 connection
 * (src/db/submissions.ts). It must agree with Prisma exactly, and must never run inside a Prisma
 * interactive transaction that happens to be open on that connection: a statement there would be
 * acknowledged before that transaction commits, and lost if it rolls back.
 */
import { sqliteConnection } from "../../src/db/client";
import { selectOptionalStart } from "../../src/db/assignment-starts";
import { selectOptionalExtension, upsertExtension } from "../../src/db/extensions";
import { insertSubmissionWithinLimit, selectOptionalSubmissionByKey, selectSubmitContext, type NewSubmission } from "../../src/db/submissions";
import { selectOptionalVariantContext } from "../../src/db/variants";
import { allTokens, as, twoCourses, type Tokens } from "../support/fixtures";
import { createTestApp, type TestApp } from "../support/test-app";

let t: TestApp;
let tok: Tokens;
let courseId: number;
let assignmentId: number;
let variants: { variantId: number; userId: number }[];
let otherUserId: number;

beforeAll(async () => {
  t = await createTestApp({ LIKELY_SUBMIT_LIMIT_PER_MINUTE: "0" });
  ({ courseId } = await twoCourses(t.db));
  tok = await allTokens(t.app);
  const created = await as(t.app, tok.instructor)
    .post(`/api/v1/courses/${courseId}/assignments`, {
      title: "Fast path",
      kind: "homework",
      opensAt: new Date(Date.now() - 86400_000).toISOString(),
      dueAt: new Date(Date.now() + 7 * 86400_000).toISOString(),
      maxAttempts: 2,
      timeLimitMinutes: 90, // the students' views below start their clocks, which the context also reads
      items: [{ exercise: "gaussian-mle", rtol: 0.01, atol: 0.001 }, { exercise: "bernoulli-mle" }],
    })
    .expect(201);
  assignmentId = created.body.id;
  const me = async (token: string) => (await as(t.app, token).get("/api/v1/me").expect(200)).body.id as number;
  variants = [];
  for (const token of [tok.student1, tok.student2]) {
    const userId = await me(token);
    const view = await as(t.app, token).get(`/api/v1/assignments/${assignmentId}`).expect(200);
    for (const item of view.body.items as { variantId: number }[]) variants.push({ variantId: item.variantId, userId });
  }
  otherUserId = await me(tok.student3);
  await upsertExtension(t.db, { assignmentId, userId: variants[0]!.userId, dueAt: new Date(Date.now() + 30 * 86400_000), extraAttempts: 3, extraMinutes: 7.5 });
});
afterAll(() => t.close());

function submission(v: { variantId: number; userId: number }, key: string | null): NewSubmission {
  return { variantId: v.variantId, userId: v.userId, raw: '{"theta":0.5}', parsed: '{"theta":0.5}', results: "[]", score: 0.25, idempotencyKey: key };
}

/** The context as the Prisma queries give it. */
async function viaPrisma(variantId: number, userId: number, key?: string) {
  const ctx = await selectOptionalVariantContext(t.db, variantId);
  if (!ctx || ctx.variant.userId !== userId) return null;
  return {
    variant: ctx.variant,
    item: { rtol: ctx.item.rtol, atol: ctx.item.atol, carryForward: ctx.item.carryForward },
    assignment: { id: ctx.assignment.id, opensAt: ctx.assignment.opensAt, dueAt: ctx.assignment.dueAt, maxAttempts: ctx.assignment.maxAttempts, timeLimitMinutes: ctx.assignment.timeLimitMinutes },
    extension: await selectOptionalExtension(t.db, ctx.assignment.id, userId),
    startedAt: (await selectOptionalStart(t.db, ctx.assignment.id, userId))?.startedAt ?? null,
    earlier: key ? await selectOptionalSubmissionByKey(t.db, userId, key) : null,
  };
}

test("the adapter's connection is reachable (Prisma 6.19's better-sqlite3 adapter), so the fast path is live", () => {
  const c = sqliteConnection(t.db);
  expect(c).toBeDefined();
  expect(c!.inTransaction).toBe(false);
  expect(c!.pragma("journal_mode", { simple: true })).toBe("wal");
});

test("the submission context read directly equals Prisma's, with and without extension and earlier submission", async () => {
  const stored = await insertSubmissionWithinLimit(t.db, submission(variants[0]!, "fast-path-ctx-0001"), null);
  expect(stored.kind).toBe("stored");
  const cases: [number, number, string | undefined][] = [
    [variants[0]!.variantId, variants[0]!.userId, "fast-path-ctx-0001"], // extension + earlier submission
    [variants[0]!.variantId, variants[0]!.userId, "fast-path-missing-1"],
    [variants[1]!.variantId, variants[1]!.userId, undefined],
    [variants[2]!.variantId, variants[2]!.userId, undefined], // no extension
    [variants[2]!.variantId, otherUserId, undefined], // not theirs
    [987654, variants[0]!.userId, undefined], // missing
  ];
  for (const [variantId, userId, key] of cases) {
    const direct = await selectSubmitContext(t.db, variantId, userId, key);
    expect(direct).toEqual(await viaPrisma(variantId, userId, key));
  }
  const ctx = await selectSubmitContext(t.db, variants[0]!.variantId, variants[0]!.userId, "fast-path-ctx-0001");
  expect(ctx!.extension).toMatchObject({ extraAttempts: 3 });
  expect(ctx!.item).toEqual({ rtol: 0.01, atol: 0.001, carryForward: null });
  expect(ctx!.earlier!.id).toBe(stored.kind === "stored" ? stored.submission.id : -1);
  expect(ctx!.assignment.dueAt).toBeInstanceOf(Date);
});

test("a stored submission reads back through Prisma exactly as returned; duplicate key and attempt limit hold", async () => {
  const v = variants[3]!;
  const first = await insertSubmissionWithinLimit(t.db, submission(v, "fast-path-store-01"), 2);
  if (first.kind !== "stored") throw new Error(first.kind);
  expect(first.submission.attempt).toBe(1);
  expect(await t.db.submission.findUnique({ where: { id: first.submission.id } })).toEqual(first.submission);
  const again = await insertSubmissionWithinLimit(t.db, submission(v, "fast-path-store-01"), 2);
  expect(again).toEqual({ kind: "duplicate", submission: first.submission });
  const second = await insertSubmissionWithinLimit(t.db, submission(v, null), 2);
  expect(second.kind === "stored" && second.submission.attempt).toBe(2);
  expect(await insertSubmissionWithinLimit(t.db, submission(v, "fast-path-store-03"), 2)).toEqual({ kind: "out-of-attempts" });
  expect(await t.db.submission.count({ where: { variantId: v.variantId } })).toBe(2);
});

test("submissions arriving together share one transaction: attempts in order, limits hold, one failure stays alone", async () => {
  const v = variants[2]!;
  const calls = Array.from({ length: 12 }, (_, i) => insertSubmissionWithinLimit(t.db, submission(v, `fast-path-batch-${String(i).padStart(2, "0")}`), 5));
  // A row for a variant that does not exist breaks the foreign key: only that call fails.
  const broken = insertSubmissionWithinLimit(t.db, { ...submission(v, "fast-path-batch-bad"), variantId: 987654 }, null);
  const again = insertSubmissionWithinLimit(t.db, submission(v, "fast-path-batch-00"), 5);
  const outcomes = await Promise.all(calls);
  // By message: better-sqlite3's error class may come from another Jest realm, so .rejects.toThrow would not see an Error.
  expect(await broken.then((o) => o, (e: Error) => e.message)).toMatch(/FOREIGN KEY/);
  expect(outcomes.map((o) => o.kind)).toEqual([...Array(5).fill("stored"), ...Array(7).fill("out-of-attempts")]);
  expect(outcomes.slice(0, 5).map((o) => (o.kind === "stored" ? o.submission.attempt : 0))).toEqual([1, 2, 3, 4, 5]);
  expect(await again).toEqual({ kind: "duplicate", submission: (outcomes[0] as { submission: unknown }).submission });
  expect(await t.db.submission.count({ where: { variantId: v.variantId } })).toBe(5);
});

test("while a Prisma transaction is open on the connection, a submission waits and is stored outside it (survives its rollback)", async () => {
  const v = variants[1]!;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let opened!: () => void;
  const isOpen = new Promise<void>((resolve) => (opened = resolve));
  const foreign = t.db
    .$transaction(async (tx) => {
      await tx.course.update({ where: { id: courseId }, data: { title: "renamed inside a transaction that rolls back" } });
      opened();
      await gate;
      throw new Error("roll back");
    })
    .catch((err: Error) => err.message);
  await isOpen;
  expect(sqliteConnection(t.db)!.inTransaction).toBe(true);
  const ctx = await selectSubmitContext(t.db, v.variantId, v.userId, "fast-path-foreign-1");
  expect(ctx).toEqual(await viaPrisma(v.variantId, v.userId, "fast-path-foreign-1"));
  const storing = insertSubmissionWithinLimit(t.db, submission(v, "fast-path-foreign-1"), null);
  release();
  expect(await foreign).toBe("roll back");
  const out = await storing;
  expect(out.kind).toBe("stored");
  expect(sqliteConnection(t.db)!.inTransaction).toBe(false);
  expect(await t.db.submission.findUnique({ where: { userId_idempotencyKey: { userId: v.userId, idempotencyKey: "fast-path-foreign-1" } } })).not.toBeNull();
  expect((await t.db.course.findUnique({ where: { id: courseId } }))!.title).not.toMatch(/renamed/);
});
