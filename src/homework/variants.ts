import crypto from "node:crypto";
import { createVariant, createVariantFromData, parametrisationOf, type StudentVariant, type VariantRecord } from "../../exercises";
import type { ItemRow } from "../db/assignments";
import type { Db } from "../db/client";
import { insertItemVariant, selectOptionalItemVariant, variantColumns, type VariantRow } from "../db/variants";

/** A fresh variant seed: 31 bits from the OS, so variants cannot be predicted from ids or time. */
export function newSeed(): number {
  return crypto.randomInt(1, 2 ** 31 - 1);
}

/** What a student's page may be given: no key, no solution (the type has no field for them). */
export function toStudentVariant(row: VariantRow): StudentVariant {
  return {
    slug: row.exercise,
    params: JSON.parse(row.params) as Record<string, unknown>,
    data: JSON.parse(row.data) as unknown,
    solverVersion: row.solverVersion,
  };
}

/** The stored variant as the exercise registry's record (key and solution included). */
export function toRecord(row: VariantRow): VariantRecord {
  return { ...toStudentVariant(row), seed: row.seed, key: JSON.parse(row.key) as VariantRecord["key"], solution: JSON.parse(row.solution) as VariantRecord["solution"] };
}

/**
 * The student's variant of an item, created on first view and stored with its seed, data, key and
 * solver version, so later code changes never change it.
 */
export async function ensureItemVariant(db: Db, item: ItemRow, userId: number): Promise<VariantRow> {
  const existing = await selectOptionalItemVariant(db, item.id, userId);
  if (existing) return existing;
  // Given data: every student's variant is the same, solved from the instructor's data.
  const record = item.data !== null ? createVariantFromData(item.exercise, JSON.parse(item.data), {}, parametrisationOf(JSON.parse(item.params))).variant : createVariant(item.exercise, newSeed(), JSON.parse(item.params));
  return insertItemVariant(db, { ...variantColumns({ ...record, exercise: record.slug }), itemId: item.id, userId });
}
