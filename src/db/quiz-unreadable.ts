import type { Db } from "./client";

/** Records that `userId` sent an unreadable answer to a quiz item (once per student and item). */
export async function upsertQuizUnreadable(db: Db, quizItemId: number, userId: number): Promise<void> {
  await db.quizUnreadableAnswer.upsert({ where: { quizItemId_userId: { quizItemId, userId } }, create: { quizItemId, userId }, update: {} });
}

/** Students who sent only unreadable answers to this item: none of them has stored an answer since. */
export async function countQuizUnreadable(db: Db, quizItemId: number): Promise<number> {
  return db.quizUnreadableAnswer.count({ where: { quizItemId, user: { quizResponses: { none: { quizItemId } } } } });
}
