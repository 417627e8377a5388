/**
 * A variant with a long history (a student or a script resubmitting thousands of times): grading,
 * the attempt number, the attempt limit under parallel requests, the counted score and the pages
 * must all stay right. The hot path reads the history through index probes (MAX(attempt),
 * MAX(score), the latest attempt), never by counting or loading it; speed is measured in bench/,
 * not here.
 */
import { updateAssignment } from "../../src/db/assignments";
import { dialectOf } from "../../src/db/client";
import { timestampParam } from "../../src/db/portable-sql";
import { HISTORY_SHOWN } from "../../src/web/routes/student-pages";
import { allTokens, as, PASSWORD, twoCourses, type Tokens } from "../support/fixtures";
import { createTestApp, csrfFrom, signInAgent, type TestApp } from "../support/test-app";

let t: TestApp;
let tok: Tokens;
let courseId: number;

beforeAll(async () => {
  t = await createTestApp({ LIKELY_SUBMIT_LIMIT_PER_MINUTE: "0" });
  ({ courseId } = await twoCourses(t.db));
  tok = await allTokens(t.app);
});
afterAll(() => t.close());

type ItemView = { itemId: number; variantId: number; attemptsUsed: number; attemptsLeft: number | null; score: number | null };

/** A homework with one item; a limit above the API's 100 is set in the database, to sit just past a long history. */
async function newAssignment(title: string, maxAttempts: number | null): Promise<number> {
  const created = await as(t.app, tok.instructor)
    .post(`/api/v1/courses/${courseId}/assignments`, { title, kind: "homework", maxAttempts: null, items: [{ exercise: "gaussian-mle" }] })
    .expect(201);
  if (maxAttempts !== null) await updateAssignment(t.db, created.body.id, { maxAttempts });
  return created.body.id as number;
}

async function itemOf(token: string, assignmentId: number): Promise<ItemView> {
  return (await as(t.app, token).get(`/api/v1/assignments/${assignmentId}`).expect(200)).body.items[0] as ItemView;
}

/**
 * `n` earlier attempts stored straight into the table (as years of resubmitting would leave them):
 * attempt numbers 1..n, score 0.25 except `bestAt` (0.5) and the last one (0.125).
 */
async function seedHistory(variantId: number, userId: number, n: number, bestAt: number): Promise<void> {
  const createdAt = timestampParam(dialectOf(t.db), new Date("2026-11-01T00:00:00.000Z"));
  await t.db.$executeRaw`
    WITH RECURSIVE k(a) AS (SELECT 1 UNION ALL SELECT a + 1 FROM k WHERE a < ${n})
    INSERT INTO "Submission" ("variantId", "userId", "attempt", "raw", "parsed", "results", "score", "idempotencyKey", "createdAt")
    SELECT CAST(${variantId} AS INTEGER), CAST(${userId} AS INTEGER), a, '{"mu":"0.1","sigma2":"1"}', '{"mu":0.1,"sigma2":1}', '[]',
           CASE WHEN a = ${bestAt} THEN 0.5 WHEN a = ${n} THEN 0.125 ELSE 0.25 END, NULL, ${createdAt}
    FROM k`;
}

async function keyOf(variantId: number): Promise<Record<string, unknown>> {
  return (await as(t.app, tok.instructor).get(`/api/v1/variants/${variantId}/key`).expect(200)).body.key as Record<string, unknown>;
}

async function userIdOf(token: string): Promise<number> {
  return (await as(t.app, token).get("/api/v1/me").expect(200)).body.id as number;
}

test("after 3000 earlier attempts: the next is attempt 3001, graded, and the limit holds under parallel requests", async () => {
  const assignmentId = await newAssignment("Resubmitted thousands of times", 3004);
  const item = await itemOf(tok.student1, assignmentId);
  await seedHistory(item.variantId, await userIdOf(tok.student1), 3000, 1234);

  expect(await itemOf(tok.student1, assignmentId)).toMatchObject({ attemptsUsed: 3000, attemptsLeft: 4, score: 0.5 });

  const key = await keyOf(item.variantId);
  const right = await as(t.app, tok.student1).post(`/api/v1/variants/${item.variantId}/submissions`, { answers: key, idempotencyKey: "long-history-right" }).expect(201);
  expect(right.body).toMatchObject({ score: 1, attemptsUsed: 3001, attemptsLeft: 3 });
  expect(right.body.parts.every((p: { correct: boolean }) => p.correct)).toBe(true);

  // Eight at once for the three attempts left: exactly three stored, numbered 3002..3004.
  const parallel = await Promise.all(
    Array.from({ length: 8 }, (_, i) => as(t.app, tok.student1).post(`/api/v1/variants/${item.variantId}/submissions`, { answers: key, idempotencyKey: `long-history-race-${i}` })),
  );
  const stored = parallel.filter((r) => r.status === 201);
  expect(stored.map((r) => r.body.attemptsUsed).sort()).toEqual([3002, 3003, 3004]);
  for (const r of parallel.filter((r) => r.status !== 201)) {
    expect(r.status).toBe(409);
    expect(r.body.error).toBe("No attempts left: all 3004 attempts at this exercise are used.");
  }
  expect(parallel).toHaveLength(8);
  const rows = await t.db.submission.aggregate({ where: { variantId: item.variantId }, _count: { _all: true }, _max: { attempt: true } });
  expect(rows).toEqual({ _count: { _all: 3004 }, _max: { attempt: 3004 } });

  // A retried request still gets its first answer back, attempts used up or not.
  const again = await as(t.app, tok.student1).post(`/api/v1/variants/${item.variantId}/submissions`, { answers: key, idempotencyKey: "long-history-right" }).expect(200);
  expect(again.body).toMatchObject({ submissionId: right.body.submissionId, attemptsUsed: 3001 });

  expect(await itemOf(tok.student1, assignmentId)).toMatchObject({ attemptsUsed: 3004, attemptsLeft: 0, score: 1 });
});

test("the exercise page lists the latest attempts only, and the form still grades and refuses past the limit", async () => {
  const assignmentId = await newAssignment("Page with a long history", 2503);
  const item = await itemOf(tok.student2, assignmentId);
  await seedHistory(item.variantId, await userIdOf(tok.student2), 2500, 7);
  const agent = await signInAgent(t.app, "student2@example.edu", PASSWORD);
  const url = `/assignments/${assignmentId}/items/${item.itemId}`;

  const page = await agent.get(url).expect(200);
  expect(page.text).toContain(`Your latest ${HISTORY_SHOWN} attempts; ${2500 - HISTORY_SHOWN} earlier ones are not listed.`);
  const listed = [...page.text.matchAll(/<strong>Attempt (\d+)<\/strong>/g)].map((m) => Number(m[1]));
  expect(listed).toEqual(Array.from({ length: HISTORY_SHOWN }, (_, i) => 2500 - i));

  const key = await keyOf(item.variantId);
  const submit = async () => {
    const form = await agent.get(url).expect(200);
    const fields: Record<string, string> = { _csrf: csrfFrom(form.text), idempotencyKey: /name="idempotencyKey" value="([^"]+)"/.exec(form.text)![1]! };
    for (const [k, v] of Object.entries(key)) fields[`part_${k}`] = String(v);
    return agent.post(url).type("form").send(fields);
  };
  for (const attempt of [2501, 2502, 2503]) {
    const res = await submit();
    expect(res.status).toBe(303);
    const shown = await agent.get(res.headers.location!.replace(/#.*/, "")).expect(200);
    expect(shown.text).toContain(`<strong>Attempt ${attempt}</strong>`);
    expect(shown.text).toMatch(new RegExp(`Attempt ${attempt} graded: <strong>100%</strong>`));
  }
  const refused = await submit();
  expect(refused.status).toBe(409);
  expect(refused.text).toContain("No attempts left: all 2503 attempts at this exercise are used.");
  expect(await t.db.submission.count({ where: { variantId: item.variantId } })).toBe(2503);

  // Another variant's submission id in ?result= shows nothing of it.
  const foreign = await t.db.submission.findFirstOrThrow({ where: { NOT: { variantId: item.variantId } } });
  const probe = await agent.get(`${url}?result=${foreign.id}`).expect(200);
  expect(probe.text).not.toContain('id="result"');
});

test("150,000 earlier attempts: the assignment view, the dashboard and the next submission still work", async () => {
  const assignmentId = await newAssignment("Scripted resubmissions", null);
  const item = await itemOf(tok.student3, assignmentId);
  await seedHistory(item.variantId, await userIdOf(tok.student3), 150_000, 99_999);

  expect(await itemOf(tok.student3, assignmentId)).toMatchObject({ attemptsUsed: 150_000, attemptsLeft: null, score: 0.5 });
  const next = await as(t.app, tok.student3).post(`/api/v1/variants/${item.variantId}/submissions`, { answers: await keyOf(item.variantId), idempotencyKey: "scripted-next" }).expect(201);
  expect(next.body).toMatchObject({ score: 1, attemptsUsed: 150_001, attemptsLeft: null });

  const agent = await signInAgent(t.app, "student3@example.edu", PASSWORD);
  const dashboard = await agent.get("/assignments").expect(200);
  expect(dashboard.text).toContain("Scripted resubmissions");
}, 30_000);
