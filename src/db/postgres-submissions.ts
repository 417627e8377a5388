import pg, { type Pool, type PoolClient, type QueryConfig } from "pg";
import { Prisma } from "../generated/prisma/client";
import { enqueueForVariantSql } from "./lti-outbox";
import type { InsertOutcome, NewSubmission, SubmissionRow } from "./submissions";
import type { VariantRow } from "./variants";

/**
 * The graded-submission hot path on PostgreSQL, in SQL on the pool under Prisma's adapter: Prisma
 * spent ~10 ms of CPU per submission here (a query compiled per statement, seven reads before the
 * transaction and five statements in it), against 0.6 ms on SQLite's hand-written path. The same
 * guarantees as the Prisma path it replaces (src/db/submissions.ts `insertWithPrisma`): a row lock on
 * the variant, held to COMMIT, takes one variant's attempts one at a time across every process;
 * (variantId, attempt) and (userId, idempotencyKey) are unique; the caller is answered after COMMIT.
 * Named statements are parsed once per connection.
 */

/** Prisma keeps DateTime in `timestamp(3)` without time zone, as UTC wall time: read it as UTC. */
const TIMESTAMP_OID = 1114;
export const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === TIMESTAMP_OID ? (text: string) => new Date(`${text.replace(" ", "T")}Z`) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};
/** What waiting for another request's row lock may take before this one gives up (Prisma's transaction timeout). */
const LOCK_WAIT_MS = 20_000;

const SUBMISSION_COLUMNS = `"id", "variantId", "userId", "attempt", "raw", "parsed", "results", "score", "idempotencyKey", "createdAt"`;

/** The variant with its item, assignment, the user's extension and clock, and the submission under the key (k_*), as one row. */
export type PgContextRow = VariantRow & {
  item_rtol: number | null;
  item_atol: number | null;
  item_carryForward: number | null;
  a_id: number;
  a_opensAt: Date | null;
  a_dueAt: Date | null;
  a_maxAttempts: number | null;
  a_timeLimitMinutes: number | null;
  e_assignmentId: number | null;
  e_dueAt: Date | null;
  e_extraAttempts: number | null;
  e_extraMinutes: number | null;
  s_startedAt: Date | null;
  k_id: number | null;
};

const CONTEXT: QueryConfig = {
  name: "likely_submit_context",
  text: `SELECT v."id", v."itemId", v."quizItemId", v."userId", v."exercise", v."seed", v."params", v."data", v."key", v."solution", v."solverVersion", v."practiceItemId", v."createdAt",
           i."rtol" AS "item_rtol", i."atol" AS "item_atol", i."carryForward" AS "item_carryForward",
           a."id" AS "a_id", a."opensAt" AS "a_opensAt", a."dueAt" AS "a_dueAt", a."maxAttempts" AS "a_maxAttempts", a."timeLimitMinutes" AS "a_timeLimitMinutes",
           e."assignmentId" AS "e_assignmentId", e."dueAt" AS "e_dueAt", e."extraAttempts" AS "e_extraAttempts", e."extraMinutes" AS "e_extraMinutes",
           s."startedAt" AS "s_startedAt",
           k."id" AS "k_id"
         FROM "Variant" v
         JOIN "AssignmentItem" i ON i."id" = v."itemId"
         JOIN "Assignment" a ON a."id" = i."assignmentId"
         LEFT JOIN "Extension" e ON e."assignmentId" = a."id" AND e."userId" = v."userId"
         LEFT JOIN "AssignmentStart" s ON s."assignmentId" = a."id" AND s."userId" = v."userId"
         LEFT JOIN "Submission" k ON k."userId" = v."userId" AND k."idempotencyKey" = $2
         WHERE v."id" = $1`,
};

/** One round trip for what submitAnswers() reads before grading; `k_id` is the submission already stored under the key. */
export async function selectContextRow(pool: Pool, variantId: number, idempotencyKey: string | null): Promise<PgContextRow | undefined> {
  const r = await pool.query<PgContextRow>({ ...CONTEXT, values: [variantId, idempotencyKey], types });
  return r.rows[0];
}

export async function selectSubmissionById(pool: Pool, id: number): Promise<SubmissionRow | undefined> {
  const r = await pool.query<SubmissionRow>({ name: "likely_submission_by_id", text: `SELECT ${SUBMISSION_COLUMNS} FROM "Submission" WHERE "id" = $1`, values: [id], types });
  return r.rows[0];
}

/** Stores the attempt unless the attempts are used up; a repeated key returns the first submission. Resolves after COMMIT. */
export async function insertOnPostgres(pool: Pool, s: NewSubmission, maxAttempts: number | null): Promise<InsertOutcome> {
  for (let tries = 0; ; tries++) {
    try {
      return await inTransaction(pool, s.variantId, (client) => insertIn(client, s, maxAttempts));
    } catch (err) {
      // Another request took the same key (or attempt number) first: look again.
      if ((err as { code?: unknown }).code === "23505" && tries < 5) continue;
      throw err;
    }
  }
}

async function insertIn(client: PoolClient, s: NewSubmission, maxAttempts: number | null): Promise<InsertOutcome> {
  // After the variant's lock (taken with BEGIN), so this statement's snapshot sees every attempt committed before it was granted.
  const state = await client.query<{ used: number | null } & Partial<SubmissionRow>>({
    name: "likely_attempt_state",
    text: `SELECT (SELECT MAX("attempt") FROM "Submission" WHERE "variantId" = $1) AS "used", k.*
           FROM (SELECT 1) AS one LEFT JOIN "Submission" k ON k."userId" = $2 AND k."idempotencyKey" = $3`,
    values: [s.variantId, s.userId, s.idempotencyKey],
    types,
  });
  const { used: last, ...dup } = state.rows[0]!;
  if (dup.id != null) return { kind: "duplicate", submission: dup as SubmissionRow };
  const used = last ?? 0;
  if (maxAttempts !== null && used >= maxAttempts) return { kind: "out-of-attempts" };
  const now = utcWallTime(new Date());
  // The insert and the LMS grade passback enqueue (a no-op unless the assignment has a line item) in one statement.
  const insert = Prisma.sql`
    WITH "enqueued" AS (${enqueueForVariantSql("postgresql", s.userId, now, s.variantId)})
    INSERT INTO "Submission" ("variantId", "userId", "attempt", "raw", "parsed", "results", "score", "idempotencyKey", "createdAt")
    VALUES (${s.variantId}, ${s.userId}, ${used + 1}, ${s.raw}, ${s.parsed}, ${s.results}, ${s.score}, ${s.idempotencyKey}, CAST(${now} AS TIMESTAMP(3)))
    RETURNING ${Prisma.raw(SUBMISSION_COLUMNS)}`;
  const inserted = await client.query<SubmissionRow>({ name: "likely_insert_submission", text: insert.text, values: insert.values, types });
  return { kind: "stored", submission: inserted.rows[0]! };
}

/**
 * BEGIN and the variant's row lock (held to COMMIT), `work`, COMMIT, on one pooled connection; on
 * any error ROLLBACK, and a connection in doubt is closed, not reused.
 */
async function inTransaction<T>(pool: Pool, variantId: number, work: (client: PoolClient) => Promise<T>): Promise<T> {
  // BEGIN and the lock in one round trip: a multi-statement simple query takes no parameters, and
  // the id is a checked integer, never text from a request.
  if (!Number.isSafeInteger(variantId)) throw new TypeError(`variant id ${variantId} is not an integer`);
  const client = await pool.connect();
  let inDoubt: Error | undefined;
  try {
    await client.query({ text: `BEGIN; SELECT 1 FROM "Variant" WHERE "id" = ${variantId} FOR UPDATE`, query_timeout: LOCK_WAIT_MS } as QueryConfig);
    const out = await work(client);
    await client.query("COMMIT");
    return out;
  } catch (err) {
    // An error from PostgreSQL (it has a SQLSTATE code) leaves the connection usable once rolled back.
    // Anything else (a lock wait cut off here, a dropped connection) may still be running there: that
    // connection is closed instead, and PostgreSQL rolls its transaction back.
    if ((err as { code?: unknown }).code) await client.query("ROLLBACK").catch(() => undefined);
    else inDoubt = err as Error;
    throw err;
  } finally {
    client.release(inDoubt);
  }
}

/** `timestamp without time zone` takes the wall time as written: write UTC, as Prisma does. */
function utcWallTime(d: Date): string {
  return d.toISOString().replace("T", " ").replace("Z", "");
}
