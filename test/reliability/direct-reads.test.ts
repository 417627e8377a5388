/**
 * The reads on the quiz answer path and the attempt summaries go straight to the adapter's
 * better-sqlite3 connection (src/db/direct-statement.ts) when no Prisma transaction is open on
 * it. They must give exactly what Prisma gives (dates included), and fall back to Prisma inside a
 * transaction.
 */
import request from "supertest";
import { selectAttemptSummaries } from "../../src/db/attempt-summaries";
import type { Db } from "../../src/db/client";
import { selectOptionalCourseRole } from "../../src/db/courses";
import { insertApiToken, insertSession, selectOptionalSessionUser, selectOptionalTokenUser } from "../../src/db/sessions";
import { sha256 } from "../../src/auth/secrets";
import { directStatement } from "../../src/db/direct-statement";
import { insertSubmissionWithinLimit } from "../../src/db/submissions";
import { selectIsQuizParticipant, selectOptionalQuiz, selectOptionalQuizResponse, selectOptionalQuizRunState, selectOptionalQuizVariant } from "../../src/db/quizzes";
import { toVariantRecord } from "../../src/quiz/variants";
import { allTokens, as, twoCourses, type Tokens } from "../support/fixtures";
import { createTestApp, type TestApp } from "../support/test-app";

let t: TestApp;
let tok: Tokens;
let courseId: number;
let quizId: number;
let itemId: number;
const ids: Record<string, number> = {};

beforeAll(async () => {
  t = await createTestApp({ LIKELY_SUBMIT_LIMIT_PER_MINUTE: "0" });
  ({ courseId } = await twoCourses(t.db));
  tok = await allTokens(t.app);
  for (const who of ["instructor", "student1", "student2", "otherStudent"] as const) ids[who] = (await as(t.app, tok[who]).get("/api/v1/me").expect(200)).body.id;
  quizId = (await as(t.app, tok.instructor).post(`/api/v1/courses/${courseId}/quizzes`, { title: "Direct reads", items: [{ exercise: "gaussian-mle" }] }).expect(201)).body.id;
  const code = (await as(t.app, tok.instructor).post(`/api/v1/quizzes/${quizId}/start`).expect(200)).body.joinCode as string;
  await as(t.app, tok.student1).post("/api/v1/quiz-join", { code }).expect(200);
  await as(t.app, tok.instructor).post(`/api/v1/quizzes/${quizId}/next`).expect(200);
  const quiz = (await selectOptionalQuiz(t.db, quizId))!;
  itemId = quiz.items[0]!.id;
  const v = toVariantRecord((await selectOptionalQuizVariant(t.db, itemId, null))!);
  await request(t.app)
    .post(`/api/v1/quizzes/${quizId}/answers`)
    .set({ Authorization: `Bearer ${tok.student1}` })
    .send({ index: 0, answers: { mean: String(v.key.mean), variance: String(v.key.variance) } })
    .expect(201);
});
afterAll(async () => {
  await new Promise((r) => setTimeout(r, 400)); // throttled count updates
  await t.close();
});

/** The same call through Prisma: inside an interactive transaction the direct path stands aside. */
function viaPrisma<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  return t.db.$transaction((tx) => fn(tx as unknown as Db));
}

test("the direct path is live outside transactions", () => {
  expect(directStatement(t.db, "SELECT 1")).toBeDefined();
});

test("quiz run state, participation, course role and stored answer read directly equal Prisma's", async () => {
  const cases: ((db: Db) => Promise<unknown>)[] = [
    (db) => selectOptionalQuizRunState(db, quizId),
    (db) => selectOptionalQuizRunState(db, 987654),
    (db) => selectIsQuizParticipant(db, quizId, ids.student1!),
    (db) => selectIsQuizParticipant(db, quizId, ids.student2!),
    (db) => selectOptionalCourseRole(db, ids.student1!, courseId),
    (db) => selectOptionalCourseRole(db, ids.instructor!, courseId),
    (db) => selectOptionalCourseRole(db, ids.otherStudent!, courseId),
    (db) => selectOptionalQuizResponse(db, itemId, ids.student1!),
    (db) => selectOptionalQuizResponse(db, itemId, ids.student2!),
  ];
  for (const read of cases) expect(await read(t.db)).toEqual(await viaPrisma(read));
  const state = await selectOptionalQuizRunState(t.db, quizId);
  expect(state).toMatchObject({ state: "open", phase: "asking", currentIndex: 0 });
  expect(state!.closesAt).toBeInstanceOf(Date);
  expect((await selectOptionalQuizResponse(t.db, itemId, ids.student1!))!.createdAt).toBeInstanceOf(Date);
});

test("token and session users read directly equal Prisma's: live, expired, unknown", async () => {
  await insertApiToken(t.db, "live-token-hash", ids.student2!);
  await t.db.apiToken.create({ data: { tokenHash: "expired-token-hash", userId: ids.student2!, expiresAt: new Date(Date.now() - 1000) } });
  await insertSession(t.db, "live-session-hash", ids.student1!, "csrf-of-live-session");
  await t.db.session.create({ data: { id: "expired-session-hash", userId: ids.student1!, csrfToken: "x", expiresAt: new Date(Date.now() - 1000) } });
  const cases: ((db: Db) => Promise<unknown>)[] = [
    (db) => selectOptionalTokenUser(db, sha256(tok.student1)),
    (db) => selectOptionalTokenUser(db, "live-token-hash"),
    (db) => selectOptionalTokenUser(db, "expired-token-hash"),
    (db) => selectOptionalTokenUser(db, "no-such-token-hash"),
    (db) => selectOptionalSessionUser(db, "live-session-hash"),
    (db) => selectOptionalSessionUser(db, "expired-session-hash"),
    (db) => selectOptionalSessionUser(db, "no-such-session-hash"),
  ];
  for (const read of cases) expect(await read(t.db)).toEqual(await viaPrisma(read));
  const live = await selectOptionalTokenUser(t.db, "live-token-hash");
  expect(live).toMatchObject({ user: { id: ids.student2, email: "student2@example.edu" } });
  expect(live!.expiresAt).toBeInstanceOf(Date);
  expect(live!.expiresAt.getTime()).toBeGreaterThan(Date.now());
  expect(await selectOptionalTokenUser(t.db, "expired-token-hash")).toBeNull();
  expect(await selectOptionalSessionUser(t.db, "live-session-hash")).toEqual({ user: expect.objectContaining({ id: ids.student1 }), csrfToken: "csrf-of-live-session" });
});

test("attempt summaries read directly equal Prisma's: attempts used, best and last score", async () => {
  const assignmentId = (await as(t.app, tok.instructor).post(`/api/v1/courses/${courseId}/assignments`, { title: "Summaries", kind: "homework", items: [{ exercise: "bernoulli-mle" }] }).expect(201)).body.id;
  const variantId = (await as(t.app, tok.student2).get(`/api/v1/assignments/${assignmentId}`).expect(200)).body.items[0].variantId as number;
  expect(await selectAttemptSummaries(t.db, [variantId])).toEqual(new Map());
  for (const score of [0.25, 0.75, 0.5]) {
    await insertSubmissionWithinLimit(t.db, { variantId, userId: ids.student2!, raw: "{}", parsed: "{}", results: "[]", score, idempotencyKey: null }, null);
  }
  const direct = await selectAttemptSummaries(t.db, [variantId, 987654]);
  expect(direct).toEqual(new Map([[variantId, { attempts: 3, best: 0.75, last: 0.5 }]]));
  expect(await viaPrisma((db) => selectAttemptSummaries(db, [variantId, 987654]))).toEqual(direct);
});
