/**
 * Both ways a batch of quiz answers is stored (src/db/quizzes.ts insertQuizResponsesIfOpen): the
 * prepared statements on the adapter's connection (SQLite, no Prisma transaction open) and the one
 * portable statement through Prisma (PostgreSQL, or a Prisma transaction open on the connection,
 * held open here so that every call takes that path). Same rule on both: only the current
 * question, only before closesAt, one answer per student; rows written in the format Prisma reads.
 */
import request from "supertest";
import { sqliteConnection } from "../../src/db/client";
import { insertQuizResponsesIfOpen, selectOptionalQuiz, selectOptionalQuizVariant, type NewQuizResponse } from "../../src/db/quizzes";
import { createDemoData } from "../../src/seed/demo";
import { createTestApp, tokenFor, type TestApp } from "../support/test-app";

const PASSWORD = "demo-password-123";
let t: TestApp;
let courseId: number;
const tokens: Record<string, string> = {};
const ids: Record<string, number> = {};

beforeAll(async () => {
  t = await createTestApp();
  const demo = await createDemoData(t.db, PASSWORD);
  if (!demo.created) throw new Error("demo data not created");
  courseId = demo.courseId;
  for (const who of ["instructor", "student1", "student2", "student3"]) {
    tokens[who] = await tokenFor(t.app, `${who}@example.edu`, PASSWORD);
    ids[who] = (await request(t.app).get("/api/v1/me").set("Authorization", `Bearer ${tokens[who]}`).expect(200)).body.id;
  }
});
afterAll(async () => {
  await new Promise((r) => setTimeout(r, 400)); // throttled count updates
  await t.close();
});

/** A started quiz with its first question open: what a row of each student would carry. */
async function openQuiz(title: string) {
  const auth = { Authorization: `Bearer ${tokens.instructor}` };
  const { id } = (await request(t.app).post(`/api/v1/courses/${courseId}/quizzes`).set(auth).send({ title, items: [{ exercise: "gaussian-mle" }, { exercise: "bernoulli-mle" }] }).expect(201)).body;
  await request(t.app).post(`/api/v1/quizzes/${id}/start`).set(auth).expect(200);
  await request(t.app).post(`/api/v1/quizzes/${id}/next`).set(auth).expect(200);
  const quiz = (await selectOptionalQuiz(t.db, id))!;
  const variant = (await selectOptionalQuizVariant(t.db, quiz.items[0]!.id, null))!;
  const row = (who: string, index: number): NewQuizResponse => ({
    quizId: id,
    index,
    quizItemId: quiz.items[index]!.id,
    variantId: variant.id,
    userId: ids[who]!,
    raw: { mu: "1.5" },
    parsed: { mu: 1.5 },
    results: [],
    score: 0.5,
  });
  return { quiz, row, closesAt: quiz.closesAt! };
}

async function storedRows(quizId: number) {
  return t.db.quizResponse.findMany({ where: { quizId }, orderBy: { userId: "asc" }, select: { userId: true, quizItemId: true, createdAt: true, score: true, raw: true } });
}

test("direct path: one flag per row; a later question, a closed question and a second answer are not stored", async () => {
  const { quiz, row, closesAt } = await openQuiz("Direct path");
  expect(sqliteConnection(t.db)!.inTransaction).toBe(false);
  const now = new Date(closesAt.getTime() - 5_000);
  const late = new Date(closesAt.getTime() + 1);
  const flags = await insertQuizResponsesIfOpen(t.db, [
    { response: row("student1", 0), now },
    { response: row("student2", 1), now }, // not the current question
    { response: row("student2", 0), now: late }, // received after closesAt
    { response: row("student1", 0), now }, // a second answer of student1
    { response: row("student3", 0), now: closesAt }, // closesAt itself is too late
  ]);
  expect(flags).toEqual([true, false, false, false, false]);
  const rows = await storedRows(quiz.id);
  expect(rows).toEqual([{ userId: ids.student1, quizItemId: quiz.items[0]!.id, createdAt: now, score: 0.5, raw: '{"mu":"1.5"}' }]);
  // Prisma compares the stored text with its own DateTime parameters: the formats agree.
  expect(await t.db.quizResponse.count({ where: { quizId: quiz.id, createdAt: { gte: now, lte: now } } })).toBe(1);
});

test("Prisma path (a Prisma transaction open): the same rule; a batch with a refused row flags every row for a read-back", async () => {
  const { quiz, row, closesAt } = await openQuiz("Prisma path");
  const now = new Date(closesAt.getTime() - 5_000);
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
  expect(sqliteConnection(t.db)!.inTransaction).toBe(true); // so both calls below take the Prisma path
  const mixed = insertQuizResponsesIfOpen(t.db, [
    { response: row("student1", 0), now },
    { response: row("student2", 1), now },
    { response: row("student2", 0), now: closesAt },
  ]);
  const alone = insertQuizResponsesIfOpen(t.db, [{ response: row("student3", 0), now }]);
  release();
  await foreign;
  expect(await mixed).toEqual([false, false, false]);
  expect(await alone).toEqual([true]);
  const rows = await storedRows(quiz.id);
  expect(rows.map((r) => [r.userId, r.createdAt])).toEqual([
    [ids.student1, now],
    [ids.student3, now],
  ]);
});
