import type { Prisma } from "../generated/prisma/client";
import { currentActor } from "./actor";
import type { Db } from "./client";

/** A Prisma transaction: audit entries are written inside the change's own transaction. */
export type Tx = Prisma.TransactionClient;

/** What an entry records; the label is what the audit page shows. */
export const AUDIT_ACTIONS = {
  "assignment.update": "Assignment rules",
  "item.add": "Exercise added",
  "item.update": "Points or tolerance",
  "item.remove": "Exercise removed",
  regrade: "Regrade",
  extension: "Extension",
  "roster.import": "Roster import",
  "quiz.reveal": "Quiz answer revealed",
  "password.reset": "Password reset",
} as const;
export type AuditAction = keyof typeof AUDIT_ACTIONS;

export function isAuditAction(s: string): s is AuditAction {
  return Object.hasOwn(AUDIT_ACTIONS, s);
}

export type NewAuditEntry = {
  courseId: number;
  action: AuditAction;
  summary: string;
  assignmentId?: number;
  student?: { id: number; email: string };
  before?: unknown;
  after?: unknown;
  flagged?: boolean;
};

/** Who the entry names when no signed-in user caused the change. */
export const SYSTEM_ACTOR = "system (command line)";

/**
 * Appends one entry. Call it with the transaction that makes the change, so the change and its
 * record commit together or not at all. The actor is the request's signed-in user (src/db/actor.ts).
 */
export async function insertAuditEntry(tx: Tx, e: NewAuditEntry): Promise<void> {
  const actor = currentActor();
  await tx.auditEntry.create({
    data: {
      courseId: e.courseId,
      actorId: actor?.id ?? null,
      actorEmail: actor?.email ?? SYSTEM_ACTOR,
      action: e.action,
      assignmentId: e.assignmentId ?? null,
      studentId: e.student?.id ?? null,
      studentEmail: e.student?.email ?? null,
      summary: e.summary,
      before: e.before === undefined ? null : JSON.stringify(e.before),
      after: e.after === undefined ? null : JSON.stringify(e.after),
      flagged: e.flagged ?? false,
    },
  });
}

const comparable = (v: unknown) => (v instanceof Date ? v.getTime() : v);

/** The fields of `after` that differ from `before` (dates compared by instant), or null when none do. */
export function changedFields<T extends Record<string, unknown>>(before: T, after: Partial<T>): { before: Partial<T>; after: Partial<T> } | null {
  const b: Partial<T> = {};
  const a: Partial<T> = {};
  for (const k of Object.keys(after) as (keyof T)[]) {
    if (after[k] === undefined || comparable(before[k]) === comparable(after[k])) continue;
    b[k] = before[k];
    a[k] = after[k];
  }
  return Object.keys(a).length ? { before: b, after: a } : null;
}

export type AuditEntryView = {
  id: number;
  at: Date;
  actor: { id: number | null; email: string };
  action: AuditAction;
  assignmentId: number | null;
  student: { id: number; email: string } | null;
  summary: string;
  before: unknown;
  after: unknown;
  flagged: boolean;
};

export type AuditFilter = { action?: AuditAction; studentId?: number; flagged?: boolean };

function whereOf(courseId: number, f: AuditFilter): Prisma.AuditEntryWhereInput {
  return {
    courseId,
    ...(f.action ? { action: f.action } : {}),
    ...(f.studentId ? { studentId: f.studentId } : {}),
    ...(f.flagged ? { flagged: true } : {}),
  };
}

type Row = Awaited<ReturnType<Db["auditEntry"]["findMany"]>>[number];

function toView(r: Row): AuditEntryView {
  return {
    id: r.id,
    at: r.createdAt,
    actor: { id: r.actorId, email: r.actorEmail },
    action: r.action as AuditAction,
    assignmentId: r.assignmentId,
    student: r.studentId !== null ? { id: r.studentId, email: r.studentEmail ?? "" } : null,
    summary: r.summary,
    before: r.before === null ? null : (JSON.parse(r.before) as unknown),
    after: r.after === null ? null : (JSON.parse(r.after) as unknown),
    flagged: r.flagged,
  };
}

/** One page of a course's trail, newest first, with the number of matching entries. */
export async function selectAuditPage(
  db: Db,
  courseId: number,
  filter: AuditFilter,
  page: { page: number; perPage: number },
): Promise<{ entries: AuditEntryView[]; total: number }> {
  const where = whereOf(courseId, filter);
  const [rows, total] = await Promise.all([
    db.auditEntry.findMany({ where, orderBy: { id: "desc" }, skip: (page.page - 1) * page.perPage, take: page.perPage }),
    db.auditEntry.count({ where }),
  ]);
  return { entries: rows.map(toView), total };
}

/** The whole trail of a course, oldest first (the CSV export). */
export async function selectAuditEntries(db: Db, courseId: number, filter: AuditFilter = {}): Promise<AuditEntryView[]> {
  const rows = await db.auditEntry.findMany({ where: whereOf(courseId, filter), orderBy: { id: "asc" } });
  return rows.map(toView);
}
