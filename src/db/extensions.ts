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

/** Sets one student's due date and extra attempts for an assignment (replacing earlier ones). */
export async function upsertExtension(db: Db, e: ExtensionRow): Promise<void> {
  await db.extension.upsert({
    where: { assignmentId_userId: { assignmentId: e.assignmentId, userId: e.userId } },
    create: e,
    update: { dueAt: e.dueAt, extraAttempts: e.extraAttempts },
  });
  await enqueueScores(db, e.assignmentId, [e.userId]); // the LMS gets the score again with the new terms
}
