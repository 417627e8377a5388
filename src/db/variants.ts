import { NO_ATTEMPTS, selectAttemptSummaries, type AttemptSummary } from "./attempt-summaries";
import { studentOwned } from "./assignments";
import type { Db } from "./client";
import { isUniqueViolation } from "./errors";

export type VariantRow = {
  id: number;
  itemId: number | null;
  quizItemId: number | null;
  userId: number | null;
  exercise: string;
  seed: number;
  params: string;
  data: string;
  key: string;
  solution: string;
  solverVersion: string;
  /** Set on a practice variant (whose itemId is null): the item it practises. */
  practiceItemId: number | null;
  createdAt: Date;
};

export type NewVariant = Omit<VariantRow, "id" | "createdAt" | "quizItemId" | "practiceItemId"> & { itemId: number; userId: number };

/** A variant's content before it is stored: JSON payloads as values. */
export type VariantContent = { exercise: string; seed: number; params: Record<string, unknown>; data: unknown; key: unknown; solution: unknown; solverVersion: string };

/** The Variant columns for a variant's content (JSON payloads stored as text). */
export function variantColumns(v: VariantContent) {
  return {
    exercise: v.exercise,
    seed: v.seed,
    params: JSON.stringify(v.params),
    data: JSON.stringify(v.data),
    key: JSON.stringify(v.key),
    solution: JSON.stringify(v.solution),
    solverVersion: v.solverVersion,
  };
}

export async function selectOptionalItemVariant(db: Db, itemId: number, userId: number): Promise<VariantRow | null> {
  return db.variant.findUnique({ where: { itemId_userId: { itemId, userId } } });
}

/** Inserts a variant; when a parallel request created it first, returns that one (a person has one variant per item). */
export async function insertItemVariant(db: Db, v: NewVariant): Promise<VariantRow> {
  try {
    return await db.variant.create({ data: v });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const existing = await selectOptionalItemVariant(db, v.itemId, v.userId);
    if (!existing) throw err;
    return existing;
  }
}

export type VariantContext = {
  variant: VariantRow;
  item: import("./assignments").ItemRow;
  assignment: Omit<import("./assignments").AssignmentRow, "items">;
  /** A practice variant of `item` (no stakes, never graded), not the owner's graded one. */
  practice: boolean;
};

/** A homework variant (graded or practice) with its item and assignment; null for quiz variants and missing ids. */
export async function selectOptionalVariantContext(db: Db, id: number): Promise<VariantContext | null> {
  const row = await db.variant.findUnique({ where: { id }, include: { item: { include: { assignment: true } }, practiceItem: { include: { assignment: true } } } });
  const item = row?.item ?? row?.practiceItem;
  if (!row || !item) return null;
  const { item: _graded, practiceItem: _practice, ...variant } = row;
  const { assignment, ...itemRow } = item;
  return { variant, item: itemRow, assignment, practice: row.item === null } as VariantContext;
}

/** Inserts a practice variant of an item for a user (any number of them). */
export async function insertPracticeVariant(db: Db, v: Omit<NewVariant, "itemId"> & { practiceItemId: number }): Promise<VariantRow> {
  return db.variant.create({ data: v });
}

/** Practice activity per item of an assignment by students of its course: variants handed out and submissions to them. */
export async function selectPracticeCounts(db: Db, assignmentId: number): Promise<Map<number, { variants: number; submissions: number; students: number }>> {
  const rows = await db.variant.findMany({
    where: { practiceItem: { assignmentId }, user: studentOwned(assignmentId) },
    select: { practiceItemId: true, userId: true, _count: { select: { submissions: true } } },
  });
  const counts = new Map<number, { variants: number; submissions: number; students: number }>();
  const people = new Map<number, Set<number>>();
  for (const r of rows) {
    const id = r.practiceItemId!;
    const c = counts.get(id) ?? { variants: 0, submissions: 0, students: 0 };
    c.variants++;
    c.submissions += r._count.submissions;
    const who = people.get(id) ?? new Set<number>();
    who.add(r.userId!);
    people.set(id, who);
    c.students = who.size;
    counts.set(id, c);
  }
  return counts;
}

/** A user's practice variants of an item, newest first. */
export async function selectPracticeVariants(db: Db, itemId: number, userId: number, take = 20): Promise<VariantRow[]> {
  return db.variant.findMany({ where: { practiceItemId: itemId, userId }, orderBy: { id: "desc" }, take });
}

/** A student's variants in an assignment with their attempt summaries, keyed by item id. */
export async function selectStudentVariants(
  db: Db,
  assignmentId: number,
  userId: number,
): Promise<Map<number, { variant: VariantRow; summary: AttemptSummary }>> {
  const rows = await db.variant.findMany({ where: { userId, item: { assignmentId } } });
  const summaries = await selectAttemptSummaries(db, rows.map((v) => v.id));
  return new Map(rows.map((variant) => [variant.itemId!, { variant, summary: summaries.get(variant.id) ?? NO_ATTEMPTS }]));
}
