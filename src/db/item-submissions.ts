import { ENQUEUE_FOR_VARIANT_SQL, sqlNow } from "./lti-outbox";
import type { Db } from "./client";
import type { VariantRow } from "./variants";

export type ItemSubmission = {
  id: number;
  userId: number;
  attempt: number;
  raw: string;
  results: string;
  score: number;
  createdAt: Date;
  variant: VariantRow;
  user: { email: string; name: string };
};

/** Every submission to one assignment item with its variant and author, in attempt order. */
export async function selectItemSubmissions(db: Db, itemId: number): Promise<ItemSubmission[]> {
  return db.submission.findMany({
    where: { variant: { itemId } },
    include: { variant: true, user: { select: { email: true, name: true } } },
    orderBy: [{ variantId: "asc" }, { attempt: "asc" }],
  });
}

/** Applies regrade results and logs each change, in one transaction. */
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
        const now = sqlNow(); // the LMS gradebook follows a regrade (grade passback outbox)
        await tx.$executeRawUnsafe(ENQUEUE_FOR_VARIANT_SQL, row.userId, now, now, row.userId, row.variantId);
        await tx.regradeLog.create({ data: { itemId, submissionId: c.submissionId, oldScore: c.oldScore, newScore: c.newScore, byUserId } });
      }
    }
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
