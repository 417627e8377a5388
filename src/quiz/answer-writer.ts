/**
 * Group commit for quiz answers. With SQLite synchronous=FULL every commit waits for the disk
 * (about 3.5 ms here, with the event loop blocked), so 300 students answering within seconds
 * would queue behind 300 syncs. Answers that arrive while a commit is under way are written
 * together by the next one: one statement, one sync. No answer waits for a timer; a lone answer is
 * written at once. Acknowledgements still come only after the commit.
 */
import type { Db } from "../db/client";
import { insertQuizResponsesIfOpen, type NewQuizResponse } from "../db/quizzes";

/** Most answers in one statement (9 bound values each, plus 3 for the open-question check). */
export const MAX_BATCH = 200;

type Pending = { response: NewQuizResponse; now: Date; resolve(stored: boolean): void; reject(err: unknown): void };

export class AnswerWriter {
  private queue: Pending[] = [];
  private draining = false;

  constructor(private readonly db: Db) {}

  /**
   * Resolves true when this answer was stored; false when it was not (closed question, or an
   * answer already stored) or, on the Prisma path, when any answer of its batch was not: the
   * caller then reads its response back to tell which.
   */
  write(response: NewQuizResponse, now: Date): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.queue.push({ response, now, resolve, reject });
      if (!this.draining) {
        this.draining = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        try {
          const stored = await insertQuizResponsesIfOpen(this.db, batch);
          batch.forEach((p, i) => p.resolve(stored[i] === true));
        } catch (err) {
          for (const p of batch) p.reject(err);
        }
      }
    } finally {
      this.draining = false;
    }
  }
}

const writers = new WeakMap<Db, AnswerWriter>();

export function answerWriterFor(db: Db): AnswerWriter {
  let w = writers.get(db);
  if (!w) writers.set(db, (w = new AnswerWriter(db)));
  return w;
}
