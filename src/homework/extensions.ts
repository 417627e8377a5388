import { selectOptionalAssignment } from "../db/assignments";
import type { Db } from "../db/client";
import { selectOptionalStart } from "../db/assignment-starts";
import { selectOptionalExtension, upsertExtension } from "../db/extensions";
import { selectStudentVariants } from "../db/variants";
import { HttpError, notFound } from "../http-error";
import { attemptsLeft, mayReveal, studentPolicy } from "./policy";

export type ExtensionGrant = { assignmentId: number; userId: number; dueAt: Date | null; extraAttempts: number; extraMinutes: number };

export type GrantResult = {
  /** The key of an item this grant reopens had already been revealed to the student (for the audit trail). */
  keyRevealed: boolean;
  /** 1-based numbers of those items. */
  revealedItems: number[];
};

/**
 * Items whose key the student may already see under the current policy and that the grant would
 * open for submission again: with the key in hand, the student could simply submit it.
 */
export async function itemsReopenedAfterReveal(db: Db, grant: ExtensionGrant, now = new Date()): Promise<number[]> {
  const assignment = await selectOptionalAssignment(db, grant.assignmentId);
  if (!assignment) throw notFound("assignment");
  const startedAt = (await selectOptionalStart(db, grant.assignmentId, grant.userId))?.startedAt ?? null;
  const before = studentPolicy(assignment, await selectOptionalExtension(db, grant.assignmentId, grant.userId), now, startedAt);
  const after = studentPolicy(assignment, grant, now, startedAt);
  const used = await selectStudentVariants(db, assignment.id, grant.userId);
  const reopened: number[] = [];
  assignment.items.forEach((item, i) => {
    const attempts = used.get(item.id)?.summary.attempts ?? 0;
    const left = attemptsLeft(after, attempts);
    const canSubmitAfter = after.status === "open" && (left === null || left > 0);
    if (mayReveal(assignment, before, attempts) && canSubmitAfter) reopened.push(i + 1);
  });
  return reopened;
}

/**
 * Sets a student's due date and extra attempts. When the grant reopens an item whose key the
 * student could already see, it is refused with 409 unless `confirmedAfterReveal`; the result says
 * whether that was the case so the caller can record it.
 */
export async function grantExtension(db: Db, grant: ExtensionGrant, options: { confirmedAfterReveal: boolean; now?: Date }): Promise<GrantResult> {
  const revealedItems = await itemsReopenedAfterReveal(db, grant, options.now);
  if (revealedItems.length > 0 && !options.confirmedAfterReveal) {
    throw new HttpError(409, `The answer key of exercise ${revealedItems.join(", ")} has already been revealed to this student; with this extension they could submit it. Confirm to grant it anyway.`, {
      needsConfirmation: true,
      revealedItems,
    });
  }
  await upsertExtension(db, grant, { afterReveal: revealedItems.length > 0 });
  return { keyRevealed: revealedItems.length > 0, revealedItems };
}
