import type { Db } from "./client";
import { directStatement } from "./direct-statement";

/** A variant's attempts in three numbers, read without reading its history. */
export type AttemptSummary = {
  /** Attempts used: the highest attempt number (attempts are numbered 1, 2, ... per variant). */
  attempts: number;
  /** Best score 0..1; null before the first attempt. */
  best: number | null;
  /** Score of the latest attempt; null before the first attempt. */
  last: number | null;
};

export const NO_ATTEMPTS: AttemptSummary = { attempts: 0, best: null, last: null };

// Each subquery is one index probe: MAX(attempt) and the latest score on @@unique([variantId, attempt]),
// MAX(score) on @@index([variantId, score]). A student resubmitting thousands of times costs the
// same as one who submitted once (COUNT(*) or loading every score did not).
const SUMMARY_SQL = `SELECT
  (SELECT MAX(attempt) FROM Submission WHERE variantId = @id) AS attempts,
  (SELECT MAX(score) FROM Submission WHERE variantId = @id) AS best,
  (SELECT score FROM Submission WHERE variantId = @id ORDER BY attempt DESC LIMIT 1) AS last`;

/**
 * Attempts used, best and last score per variant id (variants without submissions are absent).
 * On the adapter's own connection when it is free (a few microseconds per variant); through Prisma
 * while a Prisma transaction is open on it, with the same index probes.
 */
export async function selectAttemptSummaries(db: Db, variantIds: number[]): Promise<Map<number, AttemptSummary>> {
  const out = new Map<number, AttemptSummary>();
  if (variantIds.length === 0) return out;
  const st = directStatement(db, SUMMARY_SQL);
  if (st) {
    for (const id of variantIds) {
      const r = st.get({ id }) as { attempts: number | null; best: number | null; last: number | null };
      if (r.attempts !== null) out.set(id, { attempts: r.attempts, best: r.best, last: r.last });
    }
    return out;
  }
  for (const id of variantIds) {
    const [agg, latest] = await Promise.all([
      db.submission.aggregate({ where: { variantId: id }, _max: { attempt: true, score: true } }),
      db.submission.findFirst({ where: { variantId: id }, orderBy: { attempt: "desc" }, select: { score: true } }),
    ]);
    if (agg._max.attempt !== null) out.set(id, { attempts: agg._max.attempt, best: agg._max.score, last: latest?.score ?? null });
  }
  return out;
}
