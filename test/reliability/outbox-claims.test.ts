/**
 * Grade passback with several workers (several processes on PostgreSQL): a due score row is claimed
 * by one conditional UPDATE before it is sent, so among workers racing for it exactly one sends it.
 */
import { claimDueScore, selectDueScores } from "../../src/db/lti-outbox";
import { twoCourses } from "../support/fixtures";
import { createTestApp, type TestApp } from "../support/test-app";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

test("20 workers race for each of 4 due rows: each row is claimed once; a claimed row is not due until its lease ends", async () => {
  const { courseId } = await twoCourses(t.db);
  const platform = await t.db.ltiPlatform.create({ data: { issuer: "https://lms.example", clientId: "c1", authUrl: "https://lms.example/auth", tokenUrl: "https://lms.example/token", jwksUrl: "https://lms.example/jwks" } });
  const assignment = await t.db.assignment.create({ data: { courseId, title: "Passback", kind: "homework" } });
  const lineItem = await t.db.ltiLineItem.create({ data: { platformId: platform.id, assignmentId: assignment.id, url: "https://lms.example/li/1" } });
  const students = await t.db.user.findMany({ where: { role: "student" }, take: 4, orderBy: { id: "asc" } });
  expect(students).toHaveLength(4);
  const now = new Date(Date.now() - 1000);
  for (const [i, u] of students.entries()) {
    await t.db.ltiUser.create({ data: { issuer: platform.issuer, sub: `s${i}`, userId: u.id } });
    await t.db.ltiScoreOutbox.create({ data: { lineItemId: lineItem.id, userId: u.id, changedAt: now, nextAttemptAt: now } });
  }
  const due = await selectDueScores(t.db, new Date(), 50);
  expect(due).toHaveLength(4);
  const lease = new Date(Date.now() + 120_000);
  const claims = await Promise.all(due.flatMap((row) => Array.from({ length: 20 }, async () => ({ id: row.id, won: await claimDueScore(t.db, row, lease) }))));
  for (const row of due) expect(claims.filter((c) => c.id === row.id && c.won)).toHaveLength(1);
  expect(await selectDueScores(t.db, new Date(), 50)).toHaveLength(0);
  expect(await selectDueScores(t.db, new Date(lease.getTime() + 1), 50)).toHaveLength(4);
});
