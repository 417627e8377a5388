import { insertAuditEntry } from "./audit";
import { enqueueScoreForVariant } from "./lti-outbox";
import type { Db } from "./client";
import type { VariantRow } from "./variants";

export type ItemSubmission = {
  id: number;
  userId: number;
  attempt: number;
  raw: string;
  /** JSON: the numbers as parsed, per part */
  parsed: string;
  results: string;
  score: number;
  createdAt: Date;
  variant: VariantRow;
  user: { email: string; name: string };
};

/**
 * Every submission to one assignment item with its variant and author, in attempt order;
 * `studentsOnly` leaves out the instructors' own preview attempts (for statistics).
 */
export async function selectItemSubmissions(db: Db, itemId: number, options: { studentsOnly?: boolean } = {}): Promise<ItemSubmission[]> {
  return db.submission.findMany({
    where: {
      variant: { itemId },
      ...(options.studentsOnly ? { user: { enrollments: { some: { role: "student", course: { assignments: { some: { items: { some: { id: itemId } } } } } } } } } : {}),
    },
    include: { variant: true, user: { select: { email: true, name: true } } },
    orderBy: [{ variantId: "asc" }, { attempt: "asc" }],
  });
}

/** Applies regrade results and logs each change (RegradeLog and the course's audit trail), in one transaction. */
export async function updateRegradedSubmissions(
  db: Db,
  itemId: number,
  byUserId: number,
  changes: { submissionId: number; results: string; oldScore: number; newScore: number }[],
): Promise<void> {
  await db.$transaction(async (tx) => {
    for (const c of changes) {
      const row = await tx.submission.update({ where: { id: c.submissionId }, data: { results: c.results, score: c.newScore } });
      if (c.oldScore !== c.newScore) {
        await enqueueScoreForVariant(db, tx, row.userId, row.variantId); // the LMS gradebook follows a regrade (grade passback outbox)
        await tx.regradeLog.create({ data: { itemId, submissionId: c.submissionId, oldScore: c.oldScore, newScore: c.newScore, byUserId } });
      }
    }
    const item = await tx.assignmentItem.findUniqueOrThrow({ where: { id: itemId }, select: { position: true, rtol: true, atol: true, assignment: { select: { id: true, title: true, courseId: true } } } });
    const scored = changes.filter((c) => c.oldScore !== c.newScore);
    const who = new Map(
      (await tx.submission.findMany({ where: { id: { in: scored.map((c) => c.submissionId) } }, select: { id: true, attempt: true, user: { select: { email: true } } } })).map((s) => [s.id, s]),
    );
    const row = (c: (typeof scored)[number], score: number) => ({ submissionId: c.submissionId, student: who.get(c.submissionId)?.user.email, attempt: who.get(c.submissionId)?.attempt, score });
    await insertAuditEntry(tx, {
      courseId: item.assignment.courseId,
      action: "regrade",
      assignmentId: item.assignment.id,
      summary: `Exercise ${item.position + 1} of "${item.assignment.title}" regraded: ${scored.length} score${scored.length === 1 ? "" : "s"} changed`,
      before: { scores: scored.map((c) => row(c, c.oldScore)) },
      after: { tolerance: { rtol: item.rtol, atol: item.atol }, scores: scored.map((c) => row(c, c.newScore)) },
    });
  });
}

export async function selectRegradeLog(db: Db, assignmentId: number) {
  return db.regradeLog.findMany({
    where: { item: { assignmentId } },
    include: { submission: { select: { attempt: true, user: { select: { name: true, email: true } } } }, byUser: { select: { name: true } } },
    orderBy: { id: "desc" },
    take: 200,
  });
}

/** Regrades that changed this student's scores in an assignment, newest first (shown to the student). */
export async function selectRegradesForStudent(db: Db, assignmentId: number, userId: number) {
  return db.regradeLog.findMany({
    where: { item: { assignmentId }, submission: { userId } },
    select: { itemId: true, oldScore: true, newScore: true, createdAt: true, submission: { select: { attempt: true } } },
    orderBy: { id: "desc" },
    take: 100,
  });
}
