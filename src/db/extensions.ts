import { insertAuditEntry } from "./audit";
import { enqueueScores } from "./lti-outbox";
import type { Db } from "./client";

export type ExtensionRow = { assignmentId: number; userId: number; dueAt: Date | null; extraAttempts: number; extraMinutes: number };

export async function selectOptionalExtension(db: Db, assignmentId: number, userId: number): Promise<ExtensionRow | null> {
  return db.extension.findUnique({
    where: { assignmentId_userId: { assignmentId, userId } },
    select: { assignmentId: true, userId: true, dueAt: true, extraAttempts: true, extraMinutes: true },
  });
}

export async function selectExtensionsForAssignment(db: Db, assignmentId: number): Promise<ExtensionRow[]> {
  return db.extension.findMany({ where: { assignmentId }, select: { assignmentId: true, userId: true, dueAt: true, extraAttempts: true, extraMinutes: true } });
}

/**
 * Sets one student's due date, extra attempts and extra exam minutes for an assignment (replacing earlier ones), and
 * records the change in the course's audit trail in the same transaction. `afterReveal` (decided
 * by the service that asked the instructor to confirm, src/homework/extensions.ts) flags an
 * extension that reopens items whose key the student could already see.
 */
export async function upsertExtension(db: Db, grant: Omit<ExtensionRow, "extraMinutes"> & { extraMinutes?: number }, options: { afterReveal?: boolean } = {}): Promise<void> {
  const e: ExtensionRow = { ...grant, extraMinutes: grant.extraMinutes ?? 0 };
  await db.$transaction(async (tx) => {
    const a = await tx.assignment.findUniqueOrThrow({ where: { id: e.assignmentId }, select: { id: true, courseId: true, title: true } });
    const student = await tx.user.findUniqueOrThrow({ where: { id: e.userId }, select: { id: true, email: true } });
    const old = await tx.extension.findUnique({
      where: { assignmentId_userId: { assignmentId: e.assignmentId, userId: e.userId } },
      select: { assignmentId: true, userId: true, dueAt: true, extraAttempts: true, extraMinutes: true },
    });
    await tx.extension.upsert({
      where: { assignmentId_userId: { assignmentId: e.assignmentId, userId: e.userId } },
      create: e,
      update: { dueAt: e.dueAt, extraAttempts: e.extraAttempts, extraMinutes: e.extraMinutes },
    });
    const before = { dueAt: old?.dueAt ?? null, extraAttempts: old?.extraAttempts ?? 0, extraMinutes: old?.extraMinutes ?? 0 };
    const after = { dueAt: e.dueAt, extraAttempts: e.extraAttempts, extraMinutes: e.extraMinutes };
    if (before.dueAt?.getTime() === after.dueAt?.getTime() && before.extraAttempts === after.extraAttempts && before.extraMinutes === after.extraMinutes) return;
    const flagged = options.afterReveal ?? false;
    const parts = [
      before.dueAt?.getTime() !== after.dueAt?.getTime() ? `due ${after.dueAt ? after.dueAt.toISOString() : "as the assignment"}` : null,
      before.extraAttempts !== after.extraAttempts ? `extra attempts ${before.extraAttempts} → ${after.extraAttempts}` : null,
      before.extraMinutes !== after.extraMinutes ? `extra exam minutes ${before.extraMinutes} → ${after.extraMinutes}` : null,
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
