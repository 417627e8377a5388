import { ExerciseError, getExercise, resolveParams } from "../../exercises";
import { insertAssignment, type NewItem } from "../db/assignments";
import type { Db } from "../db/client";
import { HttpError } from "../http-error";
import type { AssignmentInput } from "./schemas";

/** Items with their exercise known and parameters validated (defaults applied); 400 naming the item otherwise. */
export function resolveItems(items: AssignmentInput["items"], prefix = "items"): NewItem[] {
  return items.map((item, i) => {
    if (!getExercise(item.exercise)) {
      throw new HttpError(400, `${prefix}.${i}.exercise: unknown exercise "${item.exercise}"; see the catalogue for slugs`);
    }
    let params: Record<string, unknown>;
    try {
      params = resolveParams(item.exercise, item.params ?? {});
    } catch (err) {
      if (err instanceof ExerciseError) throw new HttpError(400, `${prefix}.${i}.params: ${err.message}`);
      throw err;
    }
    return { exercise: item.exercise, params, points: item.points ?? 1, rtol: item.rtol ?? null, atol: item.atol ?? null };
  });
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
    maxAttempts: input.maxAttempts !== undefined ? input.maxAttempts : input.kind === "exam" ? 1 : null,
    revealPolicy: input.revealPolicy ?? "after-due",
    scorePolicy: input.scorePolicy ?? (input.kind === "exam" ? "last" : "best"),
    items: resolveItems(input.items),
  });
}
