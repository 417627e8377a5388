import { renderQuestion } from "../../exercises";
import type { PartSpec } from "../grading";
import type { AssignmentRow, ItemRow } from "../db/assignments";
import { selectOptionalAssignment } from "../db/assignments";
import type { Db } from "../db/client";
import { selectOptionalCourseRole, type CourseRole } from "../db/courses";
import { ensureStart, selectOptionalStart } from "../db/assignment-starts";
import { selectOptionalExtension } from "../db/extensions";
import { selectStudentVariants, type VariantRow } from "../db/variants";
import { HttpError, notFound } from "../http-error";
import { attemptsLeft, countedSummaryScore, mayReveal, studentPolicy, type StudentPolicy } from "./policy";
import { ensureItemVariant, toStudentVariant } from "./variants";

export type ItemState = {
  item: ItemRow;
  variant: VariantRow | null;
  attemptsUsed: number;
  attemptsLeft: number | null;
  /** Counted score 0..1 (best or last attempt), null before the first attempt. */
  score: number | null;
  earned: number;
  reveal: boolean;
};

export type AssignmentForUser = {
  assignment: AssignmentRow;
  role: CourseRole;
  policy: StudentPolicy;
  items: ItemState[];
  points: number;
  earned: number;
};

/** The assignment if the user is a member of its course (404 otherwise, like a missing one). */
export async function selectMemberAssignment(db: Db, assignmentId: number, userId: number): Promise<{ assignment: AssignmentRow; role: CourseRole }> {
  const assignment = await selectOptionalAssignment(db, assignmentId);
  const role = assignment ? await selectOptionalCourseRole(db, userId, assignment.courseId) : null;
  if (!assignment || !role) throw notFound("assignment");
  return { assignment, role };
}

export function totalPoints(a: Pick<AssignmentRow, "items">): number {
  return a.items.reduce((sum, i) => sum + i.points, 0);
}

/**
 * One user's view of an assignment: their policy, and per item their variant (created on first
 * view when `createVariants`), attempts and counted score. A student's first view of an open timed
 * assignment starts their clock.
 */
export async function assignmentForUser(
  db: Db,
  assignmentId: number,
  userId: number,
  options: { createVariants: boolean; now?: Date },
): Promise<AssignmentForUser> {
  const { assignment, role } = await selectMemberAssignment(db, assignmentId, userId);
  const now = options.now ?? new Date();
  const extension = await selectOptionalExtension(db, assignment.id, userId);
  let startedAt = assignment.timeLimitMinutes ? ((await selectOptionalStart(db, assignment.id, userId))?.startedAt ?? null) : null;
  let policy = studentPolicy(assignment, extension, now, startedAt);
  if (policy.status === "upcoming" && role === "student") {
    throw new HttpError(409, `This assignment opens ${assignment.opensAt!.toUTCString()}.`);
  }
  if (assignment.timeLimitMinutes && !startedAt && role === "student" && policy.status === "open") {
    startedAt = (await ensureStart(db, assignment.id, userId, now)).startedAt;
    policy = studentPolicy(assignment, extension, now, startedAt);
  }
  const existing = await selectStudentVariants(db, assignment.id, userId);
  const items: ItemState[] = [];
  for (const item of assignment.items) {
    const found = existing.get(item.id);
    const variant = found?.variant ?? (options.createVariants ? await ensureItemVariant(db, item, userId) : null);
    const used = found?.summary.attempts ?? 0;
    const score = found ? countedSummaryScore(found.summary, assignment.scorePolicy) : null;
    items.push({
      item,
      variant,
      attemptsUsed: used,
      attemptsLeft: attemptsLeft(policy, used),
      score,
      earned: (score ?? 0) * item.points,
      reveal: mayReveal(assignment, policy, used),
    });
  }
  return { assignment, role, policy, items, points: totalPoints(assignment), earned: items.reduce((s, i) => s + i.earned, 0) };
}

/** The question as a student sees it: prompt HTML and parts, no key. */
export function questionFor(variant: VariantRow): { html: string; parts: PartSpec[] } {
  return renderQuestion(toStudentVariant(variant));
}
