import type { Db } from "./client";
import { isUniqueViolation } from "./errors";

export type StartRow = { assignmentId: number; userId: number; startedAt: Date };

const columns = { assignmentId: true, userId: true, startedAt: true } as const;

export async function selectOptionalStart(db: Db, assignmentId: number, userId: number): Promise<StartRow | null> {
  return db.assignmentStart.findUnique({ where: { assignmentId_userId: { assignmentId, userId } }, select: columns });
}

/**
 * The moment this user's clock on a timed assignment started, starting it at `now` on their first
 * view. (assignmentId, userId) is unique, so parallel first views store one start and all of them
 * answer with it.
 */
export async function ensureStart(db: Db, assignmentId: number, userId: number, now: Date): Promise<StartRow> {
  const existing = await selectOptionalStart(db, assignmentId, userId);
  if (existing) return existing;
  try {
    return await db.assignmentStart.create({ data: { assignmentId, userId, startedAt: now }, select: columns });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const first = await selectOptionalStart(db, assignmentId, userId);
    if (!first) throw err;
    return first;
  }
}

/** Every started clock of an assignment with who started it, earliest first (the instructor's table). */
export async function selectStartsForAssignment(db: Db, assignmentId: number) {
  return db.assignmentStart.findMany({
    where: { assignmentId },
    select: { ...columns, user: { select: { id: true, name: true, email: true } } },
    orderBy: [{ startedAt: "asc" }, { id: "asc" }],
  });
}
