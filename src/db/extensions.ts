// Pure policy functions (no database access): the flag must follow the same rule students see.
import { mayReveal, studentPolicy } from "../homework/policy";
import type { AssignmentRow } from "./assignments";
import { insertAuditEntry, type Tx } from "./audit";
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

/** Was the key of any item of this assignment visible to the student under this extension? */
async function keyRevealed(tx: Tx, a: Pick<AssignmentRow, "id" | "opensAt" | "dueAt" | "maxAttempts" | "revealPolicy">, ext: ExtensionRow | null, userId: number, now: Date): Promise<boolean> {
  const policy = studentPolicy(a, ext, now);
  if (policy.status === "closed") return mayReveal(a, policy, 0);
  const used = await tx.submission.groupBy({ by: ["variantId"], where: { userId, variant: { item: { assignmentId: a.id } } }, _count: { _all: true } });
  return used.some((u) => mayReveal(a, policy, u._count._all));
}

/**
 * Sets one student's due date and extra attempts for an assignment (replacing earlier ones), and
 * records the change in the course's audit trail in the same transaction, flagged when it gives
 * more attempts or reopens the assignment for a student who could already see the key.
 */
export async function upsertExtension(db: Db, e: ExtensionRow): Promise<void> {
  await db.$transaction(async (tx) => {
    const now = new Date();
    const a = await tx.assignment.findUniqueOrThrow({ where: { id: e.assignmentId }, select: { id: true, courseId: true, title: true, opensAt: true, dueAt: true, maxAttempts: true, revealPolicy: true } });
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
    const rules = { ...a, revealPolicy: a.revealPolicy as AssignmentRow["revealPolicy"] };
    const gives = after.extraAttempts > before.extraAttempts || (studentPolicy(rules, old, now).status === "closed" && studentPolicy(rules, e, now).status === "open");
    const flagged = gives && (await keyRevealed(tx, rules, old, e.userId, now));
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
