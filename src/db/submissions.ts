import type { Database, Statement } from "better-sqlite3";
import type { AssignmentRow } from "./assignments";
import { dialectOf, postgresPool, sqliteConnection, type Db } from "./client";
import { optionalSqliteDate as toOptionalDate, sqliteDate as toDate } from "./direct-statement";
import { isUniqueViolation } from "./errors";
import { enqueueForVariantSql, enqueueScoreForVariant } from "./lti-outbox";
import { insertOnPostgres, selectContextRow, selectSubmissionById, type PgContextRow } from "./postgres-submissions";
import { selectOptionalStart } from "./assignment-starts";
import { selectOptionalExtension, type ExtensionRow } from "./extensions";
import { selectOptionalVariantContext, type VariantRow } from "./variants";

export type SubmissionRow = {
  id: number;
  variantId: number;
  userId: number;
  attempt: number;
  raw: string;
  parsed: string;
  results: string;
  score: number;
  idempotencyKey: string | null;
  createdAt: Date;
};

export type NewSubmission = Omit<SubmissionRow, "id" | "attempt" | "createdAt">;

export type InsertOutcome =
  | { kind: "stored"; submission: SubmissionRow }
  | { kind: "duplicate"; submission: SubmissionRow }
  | { kind: "out-of-attempts" };

/**
 * Stores a graded attempt unless the attempts are used up, atomically: reading the last attempt
 * number and the insert run in one transaction, and (variantId, attempt) is unique, so parallel
 * requests can never store more attempts than allowed. The last attempt number is one probe of
 * that unique index (MAX(attempt)), not a count, so the cost does not grow with the history. A repeated idempotency key returns the first submission.
 * Resolves only after the COMMIT. Submissions arriving together share one transaction (see
 * queueInsert); through Prisma while a Prisma transaction is open on the connection.
 */
export async function insertSubmissionWithinLimit(
  db: Db,
  s: NewSubmission,
  maxAttempts: number | null,
): Promise<InsertOutcome> {
  const connection = sqliteConnection(db);
  if (connection && !connection.inTransaction) return queueInsert(db, connection, s, maxAttempts);
  const pool = postgresPool(db);
  if (pool) return insertOnPostgres(pool, s, maxAttempts);
  return insertWithPrisma(db, s, maxAttempts);
}

async function insertWithPrisma(db: Db, s: NewSubmission, maxAttempts: number | null): Promise<InsertOutcome> {
  const postgres = dialectOf(db) === "postgresql";
  for (let tries = 0; ; tries++) {
    try {
      return await db.$transaction(async (tx): Promise<InsertOutcome> => {
        // PostgreSQL: one variant's attempts are taken one at a time across every process (a row
        // lock held to COMMIT), so parallel requests queue here instead of failing on the unique index.
        if (postgres) await tx.$queryRaw`SELECT 1 FROM "Variant" WHERE "id" = ${s.variantId} FOR UPDATE`;
        if (s.idempotencyKey) {
          const dup = await tx.submission.findUnique({
            where: { userId_idempotencyKey: { userId: s.userId, idempotencyKey: s.idempotencyKey } },
          });
          if (dup) return { kind: "duplicate", submission: dup };
        }
        const last = await tx.submission.findFirst({ where: { variantId: s.variantId }, orderBy: { attempt: "desc" }, select: { attempt: true } });
        const used = last?.attempt ?? 0;
        if (maxAttempts !== null && used >= maxAttempts) return { kind: "out-of-attempts" };
        const submission = await tx.submission.create({ data: { ...s, attempt: used + 1 } });
        await enqueueScoreForVariant(db, tx, s.userId, s.variantId); // LMS grade passback, in the same transaction
        return { kind: "stored", submission };
      });
    } catch (err) {
      // Another process took the same attempt number or key first: look again.
      if (isUniqueViolation(err) && tries < 5) continue;
      throw err;
    }
  }
}

type Pending = { db: Db; s: NewSubmission; maxAttempts: number | null; resolve: (o: InsertOutcome) => void; reject: (err: unknown) => void };
type Stored = { ok: InsertOutcome } | { err: unknown };

type Statements = {
  byKey: Statement;
  lastAttempt: Statement;
  insert: Statement;
  context: Statement;
  enqueueScore: Statement;
  storeOne?: (s: NewSubmission, maxAttempts: number | null) => InsertOutcome;
  storeAll?: (batch: Pending[]) => Stored[];
};
const statements = new WeakMap<Database, Statements>();

function prepared(connection: Database): Statements {
  let st = statements.get(connection);
  if (!st) {
    const columns = `id, variantId, userId, attempt, raw, parsed, results, score, idempotencyKey, createdAt`;
    st = {
      byKey: connection.prepare(`SELECT ${columns} FROM Submission WHERE userId = ? AND idempotencyKey = ?`).safeIntegers(false),
      lastAttempt: connection.prepare(`SELECT MAX(attempt) AS n FROM Submission WHERE variantId = ?`).safeIntegers(false),
      insert: connection
        .prepare(
          `INSERT INTO Submission (variantId, userId, attempt, raw, parsed, results, score, idempotencyKey, createdAt)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING ${columns}`,
        )
        .safeIntegers(false),
      context: connection
        .prepare(
          `SELECT v.id, v.itemId, v.quizItemId, v.userId, v.exercise, v.seed, v.params, v.data, v.key, v.solution, v.solverVersion, v.practiceItemId, v.createdAt,
                  i.rtol AS item_rtol, i.atol AS item_atol, i.carryForward AS item_carryForward,
                  a.id AS a_id, a.opensAt AS a_opensAt, a.dueAt AS a_dueAt, a.maxAttempts AS a_maxAttempts, a.timeLimitMinutes AS a_timeLimitMinutes,
                  e.assignmentId AS e_assignmentId, e.dueAt AS e_dueAt, e.extraAttempts AS e_extraAttempts, e.extraMinutes AS e_extraMinutes,
                  s.startedAt AS s_startedAt
           FROM Variant v
           JOIN AssignmentItem i ON i.id = v.itemId
           JOIN Assignment a ON a.id = i.assignmentId
           LEFT JOIN Extension e ON e.assignmentId = a.id AND e.userId = v.userId
           LEFT JOIN AssignmentStart s ON s.assignmentId = a.id AND s.userId = v.userId
           WHERE v.id = ?`,
        )
        .safeIntegers(false),
    } as Statements;
    // A no-op unless the assignment has an LMS line item (grade passback outbox, src/db/lti-outbox.ts).
    // Parameters: userId, now, now, userId, variantId (the placeholders below only give the statement its shape).
    st.enqueueScore = connection.prepare(enqueueForVariantSql("sqlite", 0, "", 0).sql);
    statements.set(connection, st);
  }
  return st;
}


type RawSubmission = Omit<SubmissionRow, "createdAt"> & { createdAt: string };
const toRow = (r: RawSubmission): SubmissionRow => ({ ...r, createdAt: toDate(r.createdAt) });

/** What submitAnswers() reads before grading. */
export type SubmitContext = {
  variant: VariantRow;
  item: { rtol: number | null; atol: number | null; carryForward: number | null };
  assignment: Pick<AssignmentRow, "id" | "opensAt" | "dueAt" | "maxAttempts" | "timeLimitMinutes">;
  extension: ExtensionRow | null;
  /** When the user's clock on a timed assignment started; null when untimed or not started. */
  startedAt: Date | null;
  /** The submission this user already stored under the idempotency key, if any. */
  earlier: SubmissionRow | null;
};

/** The context as one row (SQLite's statement below, PostgreSQL's in postgres-submissions.ts), dates as text on SQLite. */
type RawContext = Omit<PgContextRow, "createdAt" | "a_opensAt" | "a_dueAt" | "e_dueAt" | "s_startedAt" | "k_id"> & {
  createdAt: string;
  a_opensAt: string | null;
  a_dueAt: string | null;
  e_dueAt: string | null;
  s_startedAt: string | null;
};

/**
 * The variant with its item, assignment, the user's extension and the submission under the
 * idempotency key; null unless it is this user's homework variant. One statement on the adapter's
 * connection (~50 us) instead of three Prisma queries (~2-3 ms of CPU); Prisma while a Prisma
 * transaction is open on that connection (or without access to it).
 */
export async function selectSubmitContext(db: Db, variantId: number, userId: number, idempotencyKey?: string): Promise<SubmitContext | null> {
  const pool = postgresPool(db);
  if (pool) {
    const found = await selectContextRow(pool, variantId, idempotencyKey ?? null);
    if (!found || found.userId !== userId) return null;
    const { k_id, ...r } = found;
    return contextOf(r, userId, k_id === null ? null : ((await selectSubmissionById(pool, k_id)) ?? null));
  }
  const connection = sqliteConnection(db);
  if (!connection || connection.inTransaction) {
    const ctx = await selectOptionalVariantContext(db, variantId);
    if (!ctx || ctx.practice || ctx.variant.userId !== userId) return null;
    const a = ctx.assignment;
    return {
      variant: ctx.variant,
      item: { rtol: ctx.item.rtol, atol: ctx.item.atol, carryForward: ctx.item.carryForward },
      assignment: { id: a.id, opensAt: a.opensAt, dueAt: a.dueAt, maxAttempts: a.maxAttempts, timeLimitMinutes: a.timeLimitMinutes },
      extension: await selectOptionalExtension(db, a.id, userId),
      startedAt: a.timeLimitMinutes ? ((await selectOptionalStart(db, a.id, userId))?.startedAt ?? null) : null,
      earlier: idempotencyKey ? await selectOptionalSubmissionByKey(db, userId, idempotencyKey) : null,
    };
  }
  const st = prepared(connection);
  const r = st.context.get(variantId) as RawContext | undefined;
  if (!r || r.userId !== userId) return null;
  const earlier = idempotencyKey ? (st.byKey.get(userId, idempotencyKey) as RawSubmission | undefined) : undefined;
  const dated = { ...r, createdAt: toDate(r.createdAt), a_opensAt: toOptionalDate(r.a_opensAt), a_dueAt: toOptionalDate(r.a_dueAt), e_dueAt: toOptionalDate(r.e_dueAt), s_startedAt: toOptionalDate(r.s_startedAt) };
  return contextOf(dated, userId, earlier ? toRow(earlier) : null);
}

function contextOf(r: Omit<PgContextRow, "k_id">, userId: number, earlier: SubmissionRow | null): SubmitContext {
  const { item_rtol, item_atol, item_carryForward, a_id, a_opensAt, a_dueAt, a_maxAttempts, a_timeLimitMinutes, e_assignmentId, e_dueAt, e_extraAttempts, e_extraMinutes, s_startedAt, ...variant } = r;
  return {
    variant,
    item: { rtol: item_rtol, atol: item_atol, carryForward: item_carryForward },
    assignment: { id: a_id, opensAt: a_opensAt, dueAt: a_dueAt, maxAttempts: a_maxAttempts, timeLimitMinutes: a_timeLimitMinutes },
    extension: e_assignmentId === null ? null : { assignmentId: e_assignmentId, userId, dueAt: e_dueAt, extraAttempts: e_extraAttempts ?? 0, extraMinutes: e_extraMinutes ?? 0 },
    startedAt: s_startedAt,
    earlier,
  };
}

const queues = new WeakMap<Database, Pending[]>();

/**
 * Group commit. Submissions that reach this point in the same turn of the event loop are stored
 * in one IMMEDIATE transaction on the adapter's own connection, each in its own savepoint (one
 * failing does not undo the others), with one COMMIT: under synchronous=FULL one fsync for all,
 * instead of one per submission, which blocked the event loop each time. Every caller is answered
 * after that COMMIT, never before. Dates are written in Prisma's format (ISO 8601 with +00:00).
 */
function queueInsert(db: Db, connection: Database, s: NewSubmission, maxAttempts: number | null): Promise<InsertOutcome> {
  return new Promise((resolve, reject) => {
    let queue = queues.get(connection);
    if (!queue) {
      queue = [];
      queues.set(connection, queue);
      setImmediate(() => flush(connection));
    }
    queue.push({ db, s, maxAttempts, resolve, reject });
  });
}

function flush(connection: Database): void {
  const batch = queues.get(connection) ?? [];
  queues.delete(connection);
  try {
    flushBatch(connection, batch);
  } catch (err) {
    // Anything unexpected (a statement that cannot be prepared...) fails these requests, not the process.
    for (const p of batch) p.reject(err);
  }
}

function flushBatch(connection: Database, batch: Pending[]): void {
  if (!connection.open || connection.inTransaction) {
    // A Prisma transaction opened in the meantime: Prisma's path waits for it to end.
    for (const p of batch) insertWithPrisma(p.db, p.s, p.maxAttempts).then(p.resolve, p.reject);
    return;
  }
  const st = prepared(connection);
  st.storeOne ??= connection.transaction((s: NewSubmission, maxAttempts: number | null): InsertOutcome => {
    if (s.idempotencyKey) {
      const dup = st.byKey.get(s.userId, s.idempotencyKey) as RawSubmission | undefined;
      if (dup) return { kind: "duplicate", submission: toRow(dup) };
    }
    const used = (st.lastAttempt.get(s.variantId) as { n: number | null }).n ?? 0;
    if (maxAttempts !== null && used >= maxAttempts) return { kind: "out-of-attempts" };
    const createdAt = new Date().toISOString().replace("Z", "+00:00");
    const row = st.insert.get(s.variantId, s.userId, used + 1, s.raw, s.parsed, s.results, s.score, s.idempotencyKey, createdAt) as RawSubmission;
    st.enqueueScore.run(s.userId, createdAt, createdAt, s.userId, s.variantId);
    return { kind: "stored", submission: toRow(row) };
  });
  const storeOne = st.storeOne;
  // Called inside storeAll's transaction, storeOne runs as a savepoint.
  st.storeAll ??= connection.transaction((b: Pending[]): Stored[] =>
    b.map((p) => {
      try {
        return { ok: storeOne(p.s, p.maxAttempts) };
      } catch (err) {
        return { err };
      }
    }),
  ).immediate;
  let results: Stored[];
  try {
    results = st.storeAll(batch);
  } catch (err) {
    for (const p of batch) p.reject(err); // BEGIN or COMMIT failed: nothing of the batch is stored
    return;
  }
  results.forEach((r, i) => ("ok" in r ? batch[i]!.resolve(r.ok) : batch[i]!.reject(r.err)));
}

export async function selectOptionalSubmissionByKey(db: Db, userId: number, idempotencyKey: string): Promise<SubmissionRow | null> {
  return db.submission.findUnique({ where: { userId_idempotencyKey: { userId, idempotencyKey } } });
}

/** The latest `limit` submissions to a variant, newest first (a walk down the (variantId, attempt) index). */
export async function selectRecentSubmissionsForVariant(db: Db, variantId: number, limit: number): Promise<SubmissionRow[]> {
  return db.submission.findMany({ where: { variantId }, orderBy: { attempt: "desc" }, take: limit });
}

/** One submission, only if it belongs to this variant. */
export async function selectOptionalSubmissionOfVariant(db: Db, id: number, variantId: number): Promise<SubmissionRow | null> {
  const s = await db.submission.findUnique({ where: { id } });
  return s && s.variantId === variantId ? s : null;
}

export type SubmissionWithContext = SubmissionRow & { itemId: number };

/** Every submission to an assignment's items, oldest first, with the item each belongs to. */
export async function selectSubmissionsForAssignment(db: Db, assignmentId: number): Promise<SubmissionWithContext[]> {
  const rows = await db.submission.findMany({
    where: { variant: { item: { assignmentId } } },
    include: { variant: { select: { itemId: true } } },
    orderBy: { id: "asc" },
  });
  return rows.map(({ variant, ...s }) => ({ ...s, itemId: variant.itemId! }));
}

/** Every submission of one student in a course, newest first. */
export async function selectSubmissionsForStudent(db: Db, courseId: number, userId: number): Promise<SubmissionWithContext[]> {
  const rows = await db.submission.findMany({
    where: { userId, variant: { item: { assignment: { courseId } } } },
    include: { variant: { select: { itemId: true } } },
    orderBy: { id: "desc" },
  });
  return rows.map(({ variant, ...s }) => ({ ...s, itemId: variant.itemId! }));
}

