import { createVariantFromData, ExerciseError, parametrisationOf, getExercise, GivenDataError, ParametrisationError, resolveParams, withParametrisation } from "../../exercises";
import { insertAssignment, type NewItem } from "../db/assignments";
import type { Db } from "../db/client";
import { HttpError } from "../http-error";
import type { AssignmentInput } from "./schemas";

/** An item the catalogue cannot build; says which item and field, so a form can point at it. */
export class ItemError extends HttpError {
  constructor(
    readonly index: number,
    readonly field: "exercise" | "params" | "data" | "parametrisation",
    readonly reason: string,
    prefix: string,
    /** Where inside the field (data.x.3 -> "x.3"), when the problem is one value. */
    readonly subpath = "",
  ) {
    super(400, `${prefix}.${index}.${field}${subpath ? `.${subpath}` : ""}: ${reason}`);
  }
}

/**
 * An item's given data, checked and solved (the key must exist): the parameters it implies and
 * what the instructor should know (a known mistake graded right on this data). 400 naming the value otherwise.
 */
export function resolveGivenData(item: { exercise: string; params?: Record<string, unknown>; parametrisation?: Record<string, unknown>; data?: unknown; rtol?: number | null; atol?: number | null }, i: number, prefix = "items") {
  if (item.params !== undefined && Object.keys(item.params).length > 0) {
    throw new ItemError(i, "params", "leave the parameters out when giving data: n, d and k follow from the data", prefix);
  }
  try {
    const { variant, warnings } = createVariantFromData(item.exercise, item.data, { rtol: item.rtol ?? undefined, atol: item.atol ?? undefined }, item.parametrisation);
    return { params: variant.params, data: variant.data, warnings };
  } catch (err) {
    if (err instanceof ParametrisationError) throw new ItemError(i, "parametrisation", err.message.replace(/^parametrisation: /, ""), prefix);
    if (err instanceof GivenDataError) throw new ItemError(i, "data", err.reason, prefix, err.path.join("."));
    throw err;
  }
}

/** Items with their exercise known and parameters validated (defaults applied); 400 naming the item otherwise. */
export function resolveItems(items: AssignmentInput["items"], prefix = "items"): NewItem[] {
  return items.map((item, i) => {
    if (!getExercise(item.exercise)) {
      throw new ItemError(i, "exercise", `unknown exercise "${item.exercise}"; see the catalogue for slugs`, prefix);
    }
    if (item.data !== undefined) {
      const given = resolveGivenData(item, i, prefix);
      return { exercise: item.exercise, params: given.params, data: given.data, points: item.points ?? 1, rtol: item.rtol ?? null, atol: item.atol ?? null, carryForward: item.carryForward ?? null };
    }
    let params: Record<string, unknown>;
    try {
      params = resolveParams(item.exercise, withParametrisation(item.params, item.parametrisation));
    } catch (err) {
      if (err instanceof ParametrisationError) throw new ItemError(i, "parametrisation", err.message.replace(/^parametrisation: /, ""), prefix);
      if (err instanceof ExerciseError) throw new ItemError(i, "params", err.message, prefix);
      throw err;
    }
    return { exercise: item.exercise, params, points: item.points ?? 1, rtol: item.rtol ?? null, atol: item.atol ?? null, carryForward: item.carryForward ?? null };
  });
}

/** For a stored item with given data: the known mistakes that data cannot tell from the key (for the instructor). */
export function givenDataWarnings(item: { exercise: string; params: string; data: string | null; rtol: number | null; atol: number | null }): string[] {
  if (item.data === null) return [];
  try {
    return createVariantFromData(item.exercise, JSON.parse(item.data), { rtol: item.rtol ?? undefined, atol: item.atol ?? undefined }, parametrisationOf(JSON.parse(item.params))).warnings;
  } catch (err) {
    // Checked when the item was saved; a later, stricter reader says so here instead of failing the page.
    if (err instanceof GivenDataError) return [`This data is no longer accepted: ${err.message}`];
    throw err;
  }
}

/** Attempts per item when none are given: an exam gets one, homework is unlimited (null). */
export function defaultMaxAttempts(kind: AssignmentInput["kind"]): number | null {
  return kind === "exam" ? 1 : null;
}

/** Creates an assignment. Exams default to one attempt; due dates must follow opening dates. */
export async function createAssignment(db: Db, courseId: number, input: AssignmentInput): Promise<number> {
  const opensAt = input.opensAt ?? null;
  const dueAt = input.dueAt ?? null;
  if (opensAt && dueAt && dueAt <= opensAt) throw new HttpError(400, "dueAt: the due date must be after the opening date");
  return insertAssignment(db, {
    courseId,
    title: input.title,
    kind: input.kind,
    opensAt,
    dueAt,
    maxAttempts: input.maxAttempts !== undefined ? input.maxAttempts : defaultMaxAttempts(input.kind),
    revealPolicy: input.revealPolicy ?? "after-due",
    scorePolicy: input.scorePolicy ?? (input.kind === "exam" ? "last" : "best"),
    timeLimitMinutes: input.timeLimitMinutes ?? null,
    practice: input.practice ?? "after-due",
    items: resolveItems(input.items),
  });
}
