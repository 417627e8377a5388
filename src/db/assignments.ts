import { changedFields, insertAuditEntry } from "./audit";
import type { Db } from "./client";

export type AssignmentKind = "homework" | "exam";
export type RevealPolicy = "after-due" | "after-attempts" | "never";
export type ScorePolicy = "best" | "last";
/** When students may practise an assignment's exercises on fresh data (exams: only once closed for the whole class). */
export type PracticePolicy = "always" | "after-due" | "never";

export type ItemRow = {
  id: number;
  assignmentId: number;
  position: number;
  exercise: string;
  params: string;
  points: number;
  rtol: number | null;
  atol: number | null;
  /** JSON of the data the instructor gave; null: each student gets generated data. */
  data: string | null;
  /** Share of points for answers carried forward (0 to 1); null: full credit. */
  carryForward: number | null;
};

export type AssignmentRow = {
  id: number;
  courseId: number;
  title: string;
  kind: AssignmentKind;
  opensAt: Date | null;
  dueAt: Date | null;
  maxAttempts: number | null;
  revealPolicy: RevealPolicy;
  scorePolicy: ScorePolicy;
  /** Minutes on each student's own clock from their first view; null = untimed. */
  timeLimitMinutes: number | null;
  practice: PracticePolicy;
  createdAt: Date;
  updatedAt: Date;
  items: ItemRow[];
};

export type NewItem = Omit<ItemRow, "id" | "assignmentId" | "position" | "params" | "data"> & { params: Record<string, unknown>; data?: unknown };

/** An item's columns as stored: parameters and given data as JSON text. */
function itemColumns(item: NewItem) {
  return { ...item, params: JSON.stringify(item.params), data: item.data === undefined ? null : JSON.stringify(item.data) };
}
export type NewAssignment = Omit<AssignmentRow, "id" | "createdAt" | "updatedAt" | "items"> & { items: NewItem[] };

const withItems = { items: { orderBy: { position: "asc" as const } } };

export async function insertAssignment(db: Db, a: NewAssignment): Promise<number> {
  const { items, ...fields } = a;
  const created = await db.assignment.create({
    data: {
      ...fields,
      items: { create: items.map((item, position) => ({ ...itemColumns(item), position })) },
    },
    select: { id: true },
  });
  return created.id;
}

export async function selectOptionalAssignment(db: Db, id: number): Promise<AssignmentRow | null> {
  return db.assignment.findUnique({ where: { id }, include: withItems }) as Promise<AssignmentRow | null>;
}

export async function selectAssignmentsForCourse(db: Db, courseId: number): Promise<AssignmentRow[]> {
  return db.assignment.findMany({
    where: { courseId },
    include: withItems,
    orderBy: [{ dueAt: { sort: "asc", nulls: "last" } }, { id: "asc" }],
  }) as Promise<AssignmentRow[]>;
}

export type AssignmentChanges = Partial<Pick<AssignmentRow, "title" | "kind" | "opensAt" | "dueAt" | "maxAttempts" | "revealPolicy" | "scorePolicy" | "timeLimitMinutes" | "practice">>;

const RULE_FIELDS = { title: true, kind: true, opensAt: true, dueAt: true, maxAttempts: true, revealPolicy: true, scorePolicy: true, timeLimitMinutes: true, practice: true } as const;

/** Changes an assignment's rules; what changed goes to the course's audit trail in the same transaction. */
export async function updateAssignment(db: Db, id: number, changes: AssignmentChanges): Promise<void> {
  await db.$transaction(async (tx) => {
    const before = await tx.assignment.findUniqueOrThrow({ where: { id }, select: { courseId: true, ...RULE_FIELDS } });
    await tx.assignment.update({ where: { id }, data: changes });
    const diff = changedFields(before as Record<string, unknown>, changes);
    if (!diff) return;
    await insertAuditEntry(tx, {
      courseId: before.courseId,
      action: "assignment.update",
      assignmentId: id,
      summary: `"${before.title}": changed ${Object.keys(diff.after).join(", ")}`,
      ...diff,
    });
  });
}

const ITEM_AUDIT = { id: true, position: true, exercise: true, params: true, points: true, rtol: true, atol: true, carryForward: true, assignment: { select: { id: true, title: true, courseId: true } } } as const;

function itemLabel(item: { position: number; assignment: { title: string } }): string {
  return `Exercise ${item.position + 1} of "${item.assignment.title}"`;
}

/** Changes an item's points, tolerances, carried-forward credit (or, before any variant exists, exercise and parameters); audited. */
export async function updateItem(
  db: Db,
  itemId: number,
  changes: Partial<Pick<ItemRow, "points" | "rtol" | "atol" | "carryForward">> & { exercise?: string; params?: Record<string, unknown> },
): Promise<void> {
  const { params, ...rest } = changes;
  const data = { ...rest, ...(params ? { params: JSON.stringify(params) } : {}) };
  await db.$transaction(async (tx) => {
    const before = await tx.assignmentItem.findUniqueOrThrow({ where: { id: itemId }, select: ITEM_AUDIT });
    await tx.assignmentItem.update({ where: { id: itemId }, data });
    const { assignment, ...fields } = before;
    const diff = changedFields(fields as Record<string, unknown>, data);
    if (!diff) return;
    await insertAuditEntry(tx, {
      courseId: assignment.courseId,
      action: "item.update",
      assignmentId: assignment.id,
      summary: `${itemLabel(before)}: ${Object.keys(diff.after).map((k) => `${k} ${diff.before[k] ?? "default"} → ${diff.after[k] ?? "default"}`).join(", ")}`,
      ...diff,
    });
  });
}

export async function insertItem(db: Db, assignmentId: number, item: NewItem): Promise<void> {
  await db.$transaction(async (tx) => {
    const last = await tx.assignmentItem.aggregate({ where: { assignmentId }, _max: { position: true } });
    const created = await tx.assignmentItem.create({
      data: { ...itemColumns(item), assignmentId, position: (last._max.position ?? -1) + 1 },
      select: ITEM_AUDIT,
    });
    const { assignment, ...after } = created;
    await insertAuditEntry(tx, { courseId: assignment.courseId, action: "item.add", assignmentId, summary: `${itemLabel(created)} added: ${item.exercise}, ${item.points} pts`, after });
  });
}

export async function deleteItem(db: Db, itemId: number): Promise<void> {
  await db.$transaction(async (tx) => {
    const removed = await tx.assignmentItem.delete({ where: { id: itemId }, select: ITEM_AUDIT });
    const { assignment, ...before } = removed;
    await insertAuditEntry(tx, { courseId: assignment.courseId, action: "item.remove", assignmentId: assignment.id, summary: `${itemLabel(removed)} removed: ${removed.exercise}, ${removed.points} pts`, before });
  });
}

/** Variants and submissions that belong to students of the item's course (not an instructor's own preview). */
export function studentOwned(assignmentId: number) {
  return { enrollments: { some: { role: "student", course: { assignments: { some: { id: assignmentId } } } } } };
}

/**
 * Number of variants handed out to students per item: an item with student variants cannot be
 * removed. An instructor's own preview variant is not counted, so previewing locks nothing.
 */
export async function selectVariantCounts(db: Db, assignmentId: number): Promise<Map<number, number>> {
  const rows = await db.variant.groupBy({
    by: ["itemId"],
    where: { item: { assignmentId }, user: studentOwned(assignmentId) },
    _count: { _all: true },
  });
  return new Map(rows.map((r) => [r.itemId!, r._count._all]));
}
