import { createVariant, type VariantRecord } from "../../exercises";
import type { AssignmentRow } from "../db/assignments";
import { selectOptionalStart } from "../db/assignment-starts";
import { NO_ATTEMPTS, selectAttemptSummaries } from "../db/attempt-summaries";
import type { Db } from "../db/client";
import { selectOptionalCourseRole } from "../db/courses";
import { selectExtensionsForAssignment, selectOptionalExtension } from "../db/extensions";
import { insertPracticeVariant, selectOptionalVariantContext, variantColumns, type VariantContext, type VariantRow } from "../db/variants";
import { HttpError, notFound } from "../http-error";
import { mayReveal, studentPolicy, type StudentPolicy } from "./policy";
import { newSeed, toRecord } from "./variants";

export type PracticeAccess = { ok: true } | { ok: false; reason: string };

type PracticeFields = Pick<AssignmentRow, "id" | "kind" | "practice" | "dueAt">;

/**
 * Whether a student may practise an assignment's exercises now. Homework follows the instructor's
 * setting: "always", "after-due" (their own due date; never without one) or "never". An exam's
 * exercises are never practised while anyone may still be sitting it: only once its due date and
 * every student's extended due date have passed, whatever the setting (except "never"). Otherwise
 * a fresh variant's worked solution would walk a student through the exam's exercise during it.
 */
export async function practiceAccess(db: Db, a: PracticeFields, policy: StudentPolicy, now = new Date()): Promise<PracticeAccess> {
  if (a.practice === "never") return { ok: false, reason: "Practice is not offered for this assignment." };
  if (policy.status === "upcoming") return { ok: false, reason: "This assignment is not open yet." };
  if (a.kind === "exam") {
    if (!a.dueAt) return { ok: false, reason: "Practice on an exam's exercises opens once the exam is over for everyone; this exam has no due date." };
    const latest = (await selectExtensionsForAssignment(db, a.id)).reduce((end, e) => (e.dueAt && e.dueAt > end ? e.dueAt : end), a.dueAt);
    if (now <= latest) return { ok: false, reason: `Practice on this exam's exercises opens once the exam is over for everyone (${latest.toISOString()}).` };
    return { ok: true };
  }
  if (a.practice === "always") return { ok: true };
  if (policy.pastDue) return { ok: true };
  return { ok: false, reason: policy.dueAt ? `Practice opens after the due date (${policy.dueAt.toISOString()}).` : "Practice opens after the due date, and this assignment has none." };
}

/** A homework variant (graded or practice) of this user, with their current policy on its assignment; 404 for anyone else's. */
async function ownVariant(db: Db, variantId: number, userId: number, now: Date): Promise<{ ctx: VariantContext; policy: StudentPolicy }> {
  const ctx = await selectOptionalVariantContext(db, variantId);
  if (!ctx || ctx.variant.userId !== userId) throw notFound("variant");
  if (!(await selectOptionalCourseRole(db, userId, ctx.assignment.courseId))) throw notFound("variant");
  const a = ctx.assignment;
  const startedAt = a.timeLimitMinutes ? ((await selectOptionalStart(db, a.id, userId))?.startedAt ?? null) : null;
  return { ctx, policy: studentPolicy(a, await selectOptionalExtension(db, a.id, userId), now, startedAt) };
}

/**
 * A new practice variant of the exercise behind `variantId` (the owner's graded variant or one of
 * their practice variants): same exercise and parameters, fresh data. 409 with the reason when the
 * assignment's practice setting does not allow it now.
 */
export async function createPracticeVariant(db: Db, variantId: number, userId: number, now = new Date()): Promise<VariantRow> {
  const { ctx, policy } = await ownVariant(db, variantId, userId, now);
  const access = await practiceAccess(db, ctx.assignment, policy, now);
  if (!access.ok) throw new HttpError(409, access.reason);
  const record = createVariant(ctx.variant.exercise, newSeed(), JSON.parse(ctx.variant.params));
  return insertPracticeVariant(db, { ...variantColumns({ ...record, exercise: record.slug }), practiceItemId: ctx.item.id, userId });
}

/**
 * Key and worked solution of the caller's own variant: a practice variant's at any time, a graded
 * one's once the assignment's reveal policy allows. 404 otherwise, exactly like another's variant.
 */
export async function ownVariantSolution(db: Db, variantId: number, userId: number, now = new Date()): Promise<{ record: VariantRecord; practice: boolean }> {
  const { ctx, policy } = await ownVariant(db, variantId, userId, now);
  if (!ctx.practice) {
    const used = ((await selectAttemptSummaries(db, [ctx.variant.id])).get(ctx.variant.id) ?? NO_ATTEMPTS).attempts;
    if (!mayReveal(ctx.assignment, policy, used)) throw notFound("variant");
  }
  return { record: toRecord(ctx.variant), practice: ctx.practice };
}

/** The caller's practice variant with its item and assignment (the practice page); 404 for anything else. */
export async function ownPracticeVariant(db: Db, variantId: number, userId: number, now = new Date()): Promise<{ ctx: VariantContext; policy: StudentPolicy }> {
  const own = await ownVariant(db, variantId, userId, now);
  if (!own.ctx.practice) throw notFound("variant");
  return own;
}
