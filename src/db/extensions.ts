import { insertAuditEntry } from "./audit";
import { enqueueScores } from "./lti-outbox";
import type { Db } from "./client";

export type ExtensionRow = { assignmentId: number; userId: number; dueAt: Date | null; extraAttempts: number };

export async function selectOptionalExtension(db: Db, assignmentId: number, userId: number): Promise<ExtensionRow | null> {
  return db.extension.findUnique({
    where: { assignmentId_userId: { assignmentId, userId } },
    select: { assignmentId: true, userId: true, dueAt: true, extraAttempts: true },
  });
}

export async function selectExtensionsForAssignment(db: Db, assignmentId: number): Promise<ExtensionRow[]> {
  return db.extension.findMany({ where: { assignmentId }, select: { assignmentId: true, userId: true, dueAt: true, extraAttempts: true } });
}

/**
 * Sets one student's due date and extra attempts for an assignment (replacing earlier ones), and
 * records the change in the course's audit trail in the same transaction. `afterReveal` (decided
 * by the service that asked the instructor to confirm, src/homework/extensions.ts) flags an
 * extension that reopens items whose key the student could already see.
 */
export async function upsertExtension(db: Db, e: ExtensionRow, options: { afterReveal?: boolean } = {}): Promise<void> {
  await db.$transaction(async (tx) => {
    const a = await tx.assignment.findUniqueOrThrow({ where: { id: e.assignmentId }, select: { id: true, courseId: true, title: true } });
    const student = await tx.user.findUniqueOrThrow({ where: { id: e.userId }, select: { id: true, email: true } });
    const old = await tx.extension.findUnique({
      where: { assignmentId_userId: { assignmentId: e.assignmentId, userId: e.userId } },
      select: { assignmentId: true, userId: true, dueAt: true, extraAttempts: true },
    });
    await tx.extension.upsert({
      where: { assignmentId_userId: { assignmentId: e.assignmentId, userId: e.userId } },
      create: e,
      update: { dueAt: e.dueAt, extraAttempts: e.extraAttempts },
    });
    const before = { dueAt: old?.dueAt ?? null, extraAttempts: old?.extraAttempts ?? 0 };
    const after = { dueAt: e.dueAt, extraAttempts: e.extraAttempts };
    if (before.dueAt?.getTime() === after.dueAt?.getTime() && before.extraAttempts === after.extraAttempts) return;
    const flagged = options.afterReveal ?? false;
    const parts = [
      before.dueAt?.getTime() !== after.dueAt?.getTime() ? `due ${after.dueAt ? after.dueAt.toISOString() : "as the assignment"}` : null,
      before.extraAttempts !== after.extraAttempts ? `extra attempts ${before.extraAttempts} → ${after.extraAttempts}` : null,
    ].filter(Boolean);
    await insertAuditEntry(tx, {
      courseId: a.courseId,
      action: "extension",
      assignmentId: a.id,
      student,
      summary: `"${a.title}" for ${student.email}: ${parts.join(", ")}${flagged ? " (after the key was revealed to this student)" : ""}`,
      before,
      after,
      flagged,
    });
  });
  await enqueueScores(db, e.assignmentId, [e.userId]); // the LMS gets the score again with the new terms
}
