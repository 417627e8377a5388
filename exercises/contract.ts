/**
 * The one contract every exercise type implements. `exercises/index.ts` registers them all with
 * `satisfies Record<string, Exercise<any, any>>`, so the compiler checks each against it.
 *
 * An exercise is pure: `generate` draws data from the seeded `Rng` it is handed, `solve` computes
 * the key with the reference solver (src/solver), `mistakes` computes known wrong answers from the
 * data. Templates live beside the module as `question.hbs` and are filled by `questionContext`.
 */
import type { z } from "zod";
import type { CarriedKey, Mistake, PartSpec, Value } from "../src/grading";
import type { Rng } from "../src/solver/random";

/** A parameter an instructor may set when adding the exercise to an assignment. */
export type ParamSpec = { name: string; label: string; description: string } & (
  | { kind: "int"; default: number; min: number; max: number }
  | { kind: "number"; default: number; min: number; max: number }
  | { kind: "choice"; default: string; choices: readonly string[] }
);

/** A number shown in a worked-solution step: a TeX label (e.g. "\\hat\\mu") and its value. */
export type SolutionNumber = { label: string; value: Value };

/** One step a student would write down: a title, optional prose, a TeX line and its numbers. */
export type SolutionStep = { title: string; text?: string; tex?: string; numbers?: SolutionNumber[] };

export type WorkedSolution = { steps: SolutionStep[] };

export type Key = Record<string, Value>;

/** The data as a table: column names (CSV header) and rows of numbers. */
export type DataTable = { columns: string[]; rows: number[][] };

export type Exercise<P extends Record<string, unknown>, D> = {
  /** Kebab-case identifier; also the folder name under exercises/. */
  slug: string;
  title: string;
  /** A short topic name grouping exercises in the catalogue ("Single distributions", "EM", ...). */
  topic: string;
  /** One or two sentences for the catalogue. */
  description: string;
  /** The lecture formula the exercise drills, as TeX (display style). */
  formula: string;
  params: readonly ParamSpec[];
  /** Validates raw parameters and applies defaults; built from `params` by `paramsSchema`. */
  schema: z.ZodType<P>;
  /** Other parameter sets the self-check covers in turn (besides the defaults), e.g. { d: 3, k: 3 }. */
  examples?: readonly Record<string, unknown>[];
  /** Cross-parameter constraints (e.g. n >= 2k): a message naming the parameters, or undefined. */
  checkParams?(params: P): string | undefined;
  /** The variant's data (JSON-serialisable), deterministic for the rng's seed. */
  generate(rng: Rng, params: P): D;
  /** The key (from the solver) and the worked solution. */
  solve(data: D, params: P): { key: Key; solution: WorkedSolution };
  /** The answer parts; names match the key's fields. */
  parts(params: P): PartSpec[];
  /** Known wrong answers for this data. Those that coincide with the key are dropped by the registry. */
  mistakes(data: D, params: P, key: Key): Mistake[];
  /** The data as a table (question page and CSV download). Extra given values go in JSON only. */
  table(data: D, params: P): DataTable;
  /** Variables for question.hbs; may include `plot` (an SVG string from src/render). */
  questionContext(data: D, params: P): Record<string, unknown>;
  /** One line for instructor tables, e.g. "n = 12, d = 2". */
  summary(data: D, params: P): string;
  /**
   * Error carried forward: the values later parts take when computed correctly from the student's
   * own earlier answers (parsed, of the part's shape; the exercise decides which are readable).
   * `tol` is the item's tolerance, for judging e.g. whether responsibilities sum to one.
   */
  carryForward?(data: D, params: P, answers: Partial<Record<string, Value>>, tol: { rtol: number; atol: number }): CarriedKey[];
  /** Problems that make this data unusable (empty component, zero variance, ...); [] when fine. */
  validate(data: D, key: Key): string[];
};

/** Identity helper that lets TypeScript infer P and D from the object literal. */
export function defineExercise<P extends Record<string, unknown>, D>(exercise: Exercise<P, D>): Exercise<P, D> {
  return exercise;
}
