import { getExercise } from "../../../exercises";

/** `{{exerciseTitle slug}}`: the catalogue title of an exercise slug. */
export function exerciseTitle(slug: unknown): string {
  return typeof slug === "string" ? (getExercise(slug)?.title ?? slug) : "";
}
