import { Prisma } from "../generated/prisma/client";
import { dialectOf, type Db, type Dialect } from "./client";
import { timestampParam } from "./portable-sql";
import { directStatement } from "./direct-statement";

/**
 * Grade passback outbox. Enqueuing marks (line item, student) pending and bumps its version; only
 * rows of assignments with an LMS line item and students known to that LMS are written. The worker
 * always sends the student's *current* counted points, so the newest score wins by construction.
 */

/** Dates as Prisma writes them on SQLite (ISO 8601 with +00:00), so Prisma reads raw writes back. */
export function sqlNow(d = new Date()): string {
  return d.toISOString().replace("Z", "+00:00");
}

/**
 * One statement (portable SQL but for the timestamp parameters), run inside the transaction that
 * stores a submission (src/db/submissions.ts). Parameters in order: userId, now, now, userId, and
 * those of `assignmentId`.
 */
function enqueueSql(dialect: Dialect, userId: number, now: Date | string, assignmentId: Prisma.Sql): Prisma.Sql {
  const ts = timestampParam(dialect, now);
  return Prisma.sql`
  INSERT INTO "LtiScoreOutbox" ("lineItemId", "userId", "status", "version", "sentVersion", "attempts", "changedAt", "nextAttemptAt")
  SELECT li."id", CAST(${userId} AS INTEGER), 'pending', 1, 0, 0, ${ts}, ${ts}
  FROM "LtiLineItem" li JOIN "LtiPlatform" p ON p."id" = li."platformId" JOIN "LtiUser" u ON u."userId" = ${userId} AND u."issuer" = p."issuer"
  WHERE li."assignmentId" = ${assignmentId}
  ON CONFLICT ("lineItemId", "userId") DO UPDATE SET
    "status" = 'pending', "version" = "LtiScoreOutbox"."version" + 1, "attempts" = 0, "lastError" = NULL,
    "changedAt" = excluded."changedAt", "nextAttemptAt" = excluded."nextAttemptAt"`;
}

/** Enqueue the score of the variant's owner on the variant's assignment. Parameters: userId, now, now, userId, variantId. */
export function enqueueForVariantSql(dialect: Dialect, userId: number, now: Date | string, variantId: number): Prisma.Sql {
  return enqueueSql(dialect, userId, now, Prisma.sql`(SELECT i."assignmentId" FROM "Variant" v JOIN "AssignmentItem" i ON i."id" = v."itemId" WHERE v."id" = ${variantId})`);
}

/** The same through Prisma, for a client or an interactive transaction `tx` of the client `db`. */
export async function enqueueScoreForVariant(db: Db, tx: Pick<Db, "$executeRaw">, userId: number, variantId: number): Promise<void> {
  await tx.$executeRaw(enqueueForVariantSql(dialectOf(db), userId, new Date(), variantId));
}

/** Regrades, extensions, instructor changes: enqueue these students' scores on one assignment. */
export async function enqueueScores(db: Db, assignmentId: number, userIds: number[]): Promise<void> {
  const now = new Date();
  for (const userId of new Set(userIds)) await db.$executeRaw(enqueueSql(dialectOf(db), userId, now, Prisma.sql`${assignmentId}`));
}

/** Every student of the assignment who has submitted (a line item just appeared, or "resend all"). */
export async function enqueueAssignmentSubmitters(db: Db, assignmentId: number): Promise<void> {
  const rows = await db.submission.findMany({ where: { variant: { item: { assignmentId } } }, select: { userId: true }, distinct: ["userId"] });
  await enqueueScores(db, assignmentId, rows.map((r) => r.userId));
}

export type DueScore = {
  id: number;
  version: number;
  attempts: number;
  userId: number;
  assignmentId: number;
  lineItemUrl: string;
  platformId: number;
  sub: string;
  changedAt: Date;
  nextAttemptAt: Date;
};

export async function selectDueScores(db: Db, now: Date, limit: number): Promise<DueScore[]> {
  // The worker asks every 200 ms and the answer is nearly always "none": a probe of the
  // (status, nextAttemptAt) index on the adapter's connection first (microseconds; the Prisma query
  // below cost an idle server ~2-3% of a core, and a busy one a query per poll). Prisma without it.
  // On PostgreSQL the probe is one indexed query through Prisma: the query below is five (one per
  // relation), 25 statements a second per idle process.
  const probe = directStatement(db, `SELECT 1 AS due FROM LtiScoreOutbox WHERE status = 'pending' AND nextAttemptAt <= ? LIMIT 1`);
  const anyDue = probe
    ? probe.get(sqlNow(now)) !== undefined
    : (await db.ltiScoreOutbox.findFirst({ where: { status: "pending", nextAttemptAt: { lte: now } }, select: { id: true } })) !== null;
  if (!anyDue) return [];
  const rows = await db.ltiScoreOutbox.findMany({
    where: { status: "pending", nextAttemptAt: { lte: now } },
    orderBy: { nextAttemptAt: "asc" },
    take: limit,
    select: {
      id: true,
      version: true,
      attempts: true,
      userId: true,
      changedAt: true,
      nextAttemptAt: true,
      lineItem: { select: { url: true, assignmentId: true, platformId: true, platform: { select: { issuer: true } } } },
      user: { select: { ltiUser: { select: { sub: true, issuer: true } } } },
    },
  });
  return rows.flatMap((r) =>
    r.user.ltiUser
      ? [{ id: r.id, version: r.version, attempts: r.attempts, userId: r.userId, assignmentId: r.lineItem.assignmentId, lineItemUrl: r.lineItem.url, platformId: r.lineItem.platformId, sub: r.user.ltiUser.sub, changedAt: r.changedAt, nextAttemptAt: r.nextAttemptAt }]
      : [],
  );
}

/**
 * Takes a due row for this worker: moves its nextAttemptAt from the value read to `leaseUntil`,
 * only if nobody changed the row meanwhile. One conditional UPDATE: among several workers (of one
 * or several processes, SQLite or PostgreSQL, where the second UPDATE re-reads the committed row)
 * exactly one gets true, so each score version is sent once. A worker that dies mid-delivery
 * leaves the row due again at `leaseUntil`.
 */
export async function claimDueScore(db: Db, row: Pick<DueScore, "id" | "version" | "nextAttemptAt">, leaseUntil: Date): Promise<boolean> {
  const r = await db.ltiScoreOutbox.updateMany({
    where: { id: row.id, version: row.version, status: "pending", nextAttemptAt: row.nextAttemptAt },
    data: { nextAttemptAt: leaseUntil },
  });
  return r.count === 1;
}

/** The earliest pending retry (the worker sleeps until then). */
export async function selectNextDue(db: Db): Promise<Date | null> {
  const r = await db.ltiScoreOutbox.findFirst({ where: { status: "pending" }, orderBy: { nextAttemptAt: "asc" }, select: { nextAttemptAt: true } });
  return r?.nextAttemptAt ?? null;
}

/** Delivered: `sent` unless the score changed meanwhile (then it stays pending and goes again). */
export async function markScoreSent(db: Db, id: number, version: number, score: number): Promise<void> {
  await db.$executeRaw`
    UPDATE "LtiScoreOutbox" SET "sentVersion" = ${version}, "scoreSent" = ${score}, "sentAt" = ${new Date()}, "lastError" = NULL, "attempts" = 0,
      "status" = CASE WHEN "version" = ${version} THEN 'sent' ELSE "status" END
    WHERE "id" = ${id}`;
}

/** Nothing to send (no attempt yet): done until the next change. */
export async function markScoreSkipped(db: Db, id: number, version: number): Promise<void> {
  await db.ltiScoreOutbox.updateMany({ where: { id, version }, data: { status: "sent", sentVersion: version, lastError: null } });
}

export async function markScoreRetry(db: Db, id: number, version: number, nextAttemptAt: Date, error: string): Promise<void> {
  await db.ltiScoreOutbox.updateMany({ where: { id, version }, data: { attempts: { increment: 1 }, nextAttemptAt, lastError: error } });
}

export async function markScoreFailed(db: Db, id: number, version: number, error: string): Promise<void> {
  await db.ltiScoreOutbox.updateMany({ where: { id, version }, data: { status: "failed", attempts: { increment: 1 }, lastError: error } });
}

/** "Retry now": failed and waiting rows of an assignment go out at once. */
export async function retryAssignmentScores(db: Db, assignmentId: number): Promise<number> {
  const r = await db.ltiScoreOutbox.updateMany({
    where: { lineItem: { assignmentId }, status: { in: ["failed", "pending"] } },
    data: { status: "pending", nextAttemptAt: new Date(), attempts: 0 },
  });
  return r.count;
}

export type SyncStatus = {
  assignmentId: number;
  lineItemUrl: string;
  synced: number;
  pending: number;
  failed: { userId: number; name: string; error: string | null; attempts: number }[];
  waiting: { userId: number; name: string; error: string | null; attempts: number; nextAttemptAt: Date }[];
};

/** Per assignment of a course: scores synced, pending (with the last error while retrying), failed with the LMS's message. */
export async function selectSyncStatus(db: Db, courseId: number): Promise<SyncStatus[]> {
  const items = await db.ltiLineItem.findMany({
    where: { assignment: { courseId } },
    select: {
      assignmentId: true,
      url: true,
      scores: { select: { status: true, userId: true, lastError: true, attempts: true, nextAttemptAt: true, user: { select: { name: true } } } },
    },
    orderBy: { assignmentId: "asc" },
  });
  return items.map((li) => ({
    assignmentId: li.assignmentId,
    lineItemUrl: li.url,
    synced: li.scores.filter((s) => s.status === "sent").length,
    pending: li.scores.filter((s) => s.status === "pending").length,
    failed: li.scores.filter((s) => s.status === "failed").map((s) => ({ userId: s.userId, name: s.user.name, error: s.lastError, attempts: s.attempts })),
    waiting: li.scores
      .filter((s) => s.status === "pending" && s.attempts > 0)
      .map((s) => ({ userId: s.userId, name: s.user.name, error: s.lastError, attempts: s.attempts, nextAttemptAt: s.nextAttemptAt })),
  }));
}

/** The scores (0..1) of one student's attempts per item of an assignment, in attempt order. */
export async function selectStudentAttempts(db: Db, assignmentId: number, userId: number): Promise<Map<number, number[]>> {
  const rows = await db.submission.findMany({
    where: { userId, variant: { item: { assignmentId } } },
    select: { score: true, variant: { select: { itemId: true } } },
    orderBy: [{ variantId: "asc" }, { attempt: "asc" }],
  });
  const out = new Map<number, number[]>();
  for (const r of rows) out.set(r.variant.itemId!, [...(out.get(r.variant.itemId!) ?? []), r.score]);
  return out;
}

export async function countOutbox(db: Db): Promise<Record<string, number>> {
  const rows = await db.ltiScoreOutbox.groupBy({ by: ["status"], _count: { _all: true } });
  return Object.fromEntries(rows.map((r) => [r.status, r._count._all]));
}
