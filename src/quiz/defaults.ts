/**
 * Quiz-sized exercise parameters: a question answered on a phone within a minute wants small data.
 * Parameters the instructor leaves out get these instead of the homework defaults.
 */
import { listExercises, resolveParams } from "../../exercises";

/** Most data points a quiz question gets by default. */
export const QUIZ_MAX_POINTS = 6;

/** The quiz default of one parameter: sizes n and m small, dimension d and components k at their minimum. */
function quizDefault(spec: { name: string; kind: string; default: unknown; min?: number; max?: number }): unknown {
  if (spec.kind !== "int" || typeof spec.default !== "number" || typeof spec.min !== "number") return spec.default;
  if (spec.name === "d" || spec.name === "k") return spec.min;
  if (spec.name === "n" || spec.name === "m") return Math.max(spec.min, Math.min(spec.default, QUIZ_MAX_POINTS));
  return spec.default;
}

/** Small defaults for one exercise (only the parameters it has). */
export function quizDefaults(slug: string): Record<string, unknown> {
  const info = listExercises().find((e) => e.slug === slug);
  if (!info) return {};
  const out: Record<string, unknown> = {};
  for (const p of info.params) out[p.name] = quizDefault(p as Parameters<typeof quizDefault>[0]);
  return out;
}

/**
 * The parameters a quiz item stores: the instructor's, with quiz-sized defaults for the rest,
 * validated by the exercise. @throws ExerciseError naming the parameter.
 */
export function resolveQuizParams(slug: string, params: Record<string, unknown> | undefined): Record<string, unknown> {
  const given = params ?? {};
  const defaults = quizDefaults(slug);
  const merged = { ...defaults, ...given };
  try {
    return resolveParams(slug, merged);
  } catch {
    // A cross-parameter rule (e.g. n >= 2k) may reject the small defaults: fall back to the exercise's own
    // defaults; if the instructor's values are wrong, this throws the exercise's message about them.
    return resolveParams(slug, given);
  }
}
