import { gradeVariant } from "../../exercises";
import { countGradedSubmission } from "../ops/metrics";
import type { Db } from "../db/client";
import { insertSubmissionWithinLimit, selectSubmitContext, type SubmissionRow } from "../db/submissions";
import { HttpError, notFound } from "../http-error";
import { ackBeforeCommit } from "../testing/ack-before-commit";
import { studentPolicy } from "./policy";
import { toRecord } from "./variants";

export type PartFeedback = { name: string; correct: boolean; feedback: string; mistake?: string; carriedForward?: boolean; credit?: number };
export type SubmitOutcome = {
  submissionId: number;
  attempt: number;
  score: number;
  parts: PartFeedback[];
  attemptsUsed: number;
  attemptsLeft: number | null;
  /** True when an idempotency key matched an earlier submission (nothing new stored). */
  duplicate: boolean;
};

function outcome(s: SubmissionRow, maxAttempts: number | null, duplicate: boolean): SubmitOutcome {
  const parts = JSON.parse(s.results) as PartFeedback[];
  return {
    submissionId: s.id,
    attempt: s.attempt,
    score: s.score,
    parts,
    attemptsUsed: s.attempt,
    attemptsLeft: maxAttempts === null ? null : Math.max(0, maxAttempts - s.attempt),
    duplicate,
  };
}

/**
 * Grades and stores one attempt. Unreadable answers: 422 with a message per part and no attempt
 * used. Closed assignment or no attempts left: 409. The submission is committed before this
 * resolves, so an acknowledged submission survives a crash.
 */
export async function submitAnswers(
  db: Db,
  input: { variantId: number; userId: number; answers: Record<string, unknown>; idempotencyKey?: string },
  now = new Date(),
): Promise<SubmitOutcome> {
  const ctx = await selectSubmitContext(db, input.variantId, input.userId, input.idempotencyKey);
  if (!ctx) throw notFound("variant");
  const { variant, item, earlier } = ctx;
  const policy = studentPolicy(ctx.assignment, ctx.extension, now);
  // A retried request (double click, flaky network) gets the first answer back, even after closing.
  if (input.idempotencyKey) {
    if (earlier && earlier.variantId === variant.id) return outcome(earlier, policy.maxAttempts, true);
    if (earlier) throw new HttpError(409, "This idempotency key was already used for another exercise.");
  }
  if (policy.status === "upcoming") throw new HttpError(409, "This assignment is not open yet.");
  if (policy.status === "closed") throw new HttpError(409, "This assignment is closed: the due date has passed.");

  const graded = gradeVariant(toRecord(variant), input.answers, {
    ...(item.rtol !== null ? { rtol: item.rtol } : {}),
    ...(item.atol !== null ? { atol: item.atol } : {}),
    ...(item.carryForward !== null ? { carryForward: item.carryForward } : {}),
  });
  if (!graded.ok) {
    throw new HttpError(422, "Some answers could not be read; nothing was graded and no attempt was used.", { parts: graded.errors });
  }
  const result = await insertSubmissionWithinLimit(
    ackBeforeCommit(db), // `db` itself; a crash-harness negative control only with LIKELY_UNSAFE_ACK_BEFORE_COMMIT=1 (refused in production)
    {
      variantId: variant.id,
      userId: input.userId,
      raw: JSON.stringify(input.answers),
      parsed: JSON.stringify(graded.values),
      results: JSON.stringify(graded.parts),
      score: graded.score,
      idempotencyKey: input.idempotencyKey ?? null,
    },
    policy.maxAttempts,
  );
  if (result.kind === "out-of-attempts") {
    throw new HttpError(409, `No attempts left: all ${policy.maxAttempts} attempts at this exercise are used.`);
  }
  if (result.kind === "stored") countGradedSubmission(graded.score);
  return outcome(result.submission, policy.maxAttempts, result.kind === "duplicate");
}
