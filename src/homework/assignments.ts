import { ExerciseError, getExercise, resolveParams } from "../../exercises";
import { insertAssignment, type NewItem } from "../db/assignments";
import type { Db } from "../db/client";
import { HttpError } from "../http-error";
import type { AssignmentInput } from "./schemas";

/** An item the catalogue cannot build; says which item and field, so a form can point at it. */
export class ItemError extends HttpError {
  constructor(
    readonly index: number,
    readonly field: "exercise" | "params",
    readonly reason: string,
    prefix: string,
  ) {
    super(400, `${prefix}.${index}.${field}: ${reason}`);
  }
}

/** Items with their exercise known and parameters validated (defaults applied); 400 naming the item otherwise. */
export function resolveItems(items: AssignmentInput["items"], prefix = "items"): NewItem[] {
  return items.map((item, i) => {
    if (!getExercise(item.exercise)) {
      throw new ItemError(i, "exercise", `unknown exercise "${item.exercise}"; see the catalogue for slugs`, prefix);
    }
    let params: Record<string, unknown>;
    try {
      params = resolveParams(item.exercise, item.params ?? {});
    } catch (err) {
      if (err instanceof ExerciseError) throw new ItemError(i, "params", err.message, prefix);
      throw err;
    }
    return { exercise: item.exercise, params, points: item.points ?? 1, rtol: item.rtol ?? null, atol: item.atol ?? null, carryForward: item.carryForward ?? null };
  });
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
    items: resolveItems(input.items),
  });
}
