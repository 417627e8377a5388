import type { Db } from "./client";
import { isUniqueViolation } from "./errors";

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
 * Stores a graded attempt unless the attempts are used up, atomically: the count and the insert
 * run in one transaction, and (variantId, attempt) is unique, so parallel requests can never
 * store more attempts than allowed. A repeated idempotency key returns the first submission.
 */
export async function insertSubmissionWithinLimit(
  db: Db,
  s: NewSubmission,
  maxAttempts: number | null,
): Promise<InsertOutcome> {
  for (let tries = 0; ; tries++) {
    try {
      return await db.$transaction(async (tx): Promise<InsertOutcome> => {
        if (s.idempotencyKey) {
          const dup = await tx.submission.findUnique({
            where: { userId_idempotencyKey: { userId: s.userId, idempotencyKey: s.idempotencyKey } },
          });
          if (dup) return { kind: "duplicate", submission: dup };
        }
        const used = await tx.submission.count({ where: { variantId: s.variantId } });
        if (maxAttempts !== null && used >= maxAttempts) return { kind: "out-of-attempts" };
        const submission = await tx.submission.create({ data: { ...s, attempt: used + 1 } });
        return { kind: "stored", submission };
      });
    } catch (err) {
      // Another process took the same attempt number or key first: look again.
      if (isUniqueViolation(err) && tries < 5) continue;
      throw err;
    }
  }
}

export async function selectOptionalSubmissionByKey(db: Db, userId: number, idempotencyKey: string): Promise<SubmissionRow | null> {
  return db.submission.findUnique({ where: { userId_idempotencyKey: { userId, idempotencyKey } } });
}

export async function selectSubmissionsForVariant(db: Db, variantId: number): Promise<SubmissionRow[]> {
  return db.submission.findMany({ where: { variantId }, orderBy: { attempt: "asc" } });
}

export async function countSubmissionsForVariant(db: Db, variantId: number): Promise<number> {
  return db.submission.count({ where: { variantId } });
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

export async function updateSubmissionScore(db: Db, id: number, results: string, score: number): Promise<void> {
  await db.submission.update({ where: { id }, data: { results, score } });
}
