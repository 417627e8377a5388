import { gradeVariant } from "../../exercises";
import { countGradedSubmission } from "../ops/metrics";
import type { Db } from "../db/client";
import { insertSubmissionWithinLimit, selectOptionalSubmissionByKey, selectSubmitContext, type SubmissionRow } from "../db/submissions";
import { selectOptionalVariantContext } from "../db/variants";
import { HttpError, notFound } from "../http-error";
import { ackBeforeCommit } from "../testing/ack-before-commit";
import { ensureStart } from "../db/assignment-starts";
import { formatMinutes, studentPolicy } from "./policy";
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
  if (!ctx) return submitPractice(db, input);
  const { variant, item, earlier } = ctx;
  let policy = studentPolicy(ctx.assignment, ctx.extension, now, ctx.startedAt);
  if (ctx.assignment.timeLimitMinutes && !ctx.startedAt && policy.status === "open") {
    // Answering is viewing: a variant reached without a view (made before the time limit was set) starts the clock now.
    policy = studentPolicy(ctx.assignment, ctx.extension, now, (await ensureStart(db, ctx.assignment.id, input.userId, now)).startedAt);
  }
  // A retried request (double click, flaky network) gets the first answer back, even after closing.
  if (input.idempotencyKey) {
    if (earlier && earlier.variantId === variant.id) return outcome(earlier, policy.maxAttempts, true);
    if (earlier) throw new HttpError(409, "This idempotency key was already used for another exercise.");
  }
  if (policy.status === "upcoming") throw new HttpError(409, "This assignment is not open yet.");
  if (policy.timeUp && !policy.pastDue) {
    throw new HttpError(409, `Time is up: your ${formatMinutes(policy.minutes!)} for this exam ended at ${utcText(policy.endsAt!)}. This answer was not graded.`, { endsAt: policy.endsAt!.toISOString() });
  }
  if (policy.status === "closed") throw new HttpError(409, "This assignment is closed: the due date has passed.");

  const graded = gradeVariant(toRecord(variant), input.answers, itemGrading(item));
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

/**
 * An attempt at a practice variant (src/homework/practice.ts): graded like the item it practises,
 * unlimited attempts, no deadline. Its variant has no itemId, so the gradebook, statistics, totals
 * and LMS grade passback (which all join through Variant.itemId) never count it.
 */
async function submitPractice(db: Db, input: { variantId: number; userId: number; answers: Record<string, unknown>; idempotencyKey?: string }): Promise<SubmitOutcome> {
  const ctx = await selectOptionalVariantContext(db, input.variantId);
  if (!ctx || !ctx.practice || ctx.variant.userId !== input.userId) throw notFound("variant");
  if (input.idempotencyKey) {
    const earlier = await selectOptionalSubmissionByKey(db, input.userId, input.idempotencyKey);
    if (earlier && earlier.variantId === ctx.variant.id) return outcome(earlier, null, true);
    if (earlier) throw new HttpError(409, "This idempotency key was already used for another exercise.");
  }
  // Practice is graded by its item's rules (tolerances, carried-forward credit), like the graded variant.
  const graded = gradeVariant(toRecord(ctx.variant), input.answers, itemGrading(ctx.item));
  if (!graded.ok) throw new HttpError(422, "Some answers could not be read; nothing was graded.", { parts: graded.errors });
  const result = await insertSubmissionWithinLimit(
    db,
    {
      variantId: ctx.variant.id,
      userId: input.userId,
      raw: JSON.stringify(input.answers),
      parsed: JSON.stringify(graded.values),
      results: JSON.stringify(graded.parts),
      score: graded.score,
      idempotencyKey: input.idempotencyKey ?? null,
    },
    null,
  );
  if (result.kind === "out-of-attempts") throw new Error("unreachable: practice has no attempt limit");
  return outcome(result.submission, null, result.kind === "duplicate");
}

/** "14:05:09 UTC on 2026-12-01": a moment a student reads in a refusal, without a local time zone to guess. */
function utcText(d: Date): string {
  const iso = d.toISOString();
  return `${iso.slice(11, 19)} UTC on ${iso.slice(0, 10)}`;
}

/** How an item's answers are graded: its own tolerances and carried-forward credit where it sets them. */
export function itemGrading(item: { rtol: number | null; atol: number | null; carryForward: number | null }) {
  return {
    ...(item.rtol !== null ? { rtol: item.rtol } : {}),
    ...(item.atol !== null ? { atol: item.atol } : {}),
    ...(item.carryForward !== null ? { carryForward: item.carryForward } : {}),
  };
}
