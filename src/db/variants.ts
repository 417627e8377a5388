import { NO_ATTEMPTS, selectAttemptSummaries, type AttemptSummary } from "./attempt-summaries";
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
  createdAt: Date;
};

export type NewVariant = Omit<VariantRow, "id" | "createdAt" | "quizItemId"> & { itemId: number; userId: number };

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
};

/** A homework variant with its item and assignment; null for quiz variants and missing ids. */
export async function selectOptionalVariantContext(db: Db, id: number): Promise<VariantContext | null> {
  const row = await db.variant.findUnique({ where: { id }, include: { item: { include: { assignment: true } } } });
  if (!row || !row.item) return null;
  const { item, ...variant } = row;
  const { assignment, ...itemRow } = item;
  return { variant, item: itemRow, assignment } as VariantContext;
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
