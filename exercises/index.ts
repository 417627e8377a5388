/**
 * The exercise registry: the one place every exercise type is listed (checked against the
 * contract by `satisfies`), and the functions the web app and the CLI call.
 */
import { applyCarryForward, gradeAnswers, parseAnswers, partTolerance, type PartResult, type PartSpec, type Value, allClose, DEFAULT_ATOL, DEFAULT_RTOL, type Mistake } from "../src/grading";
import { tex } from "../src/render";
import { SOLVER_VERSION } from "../src/solver";
import { createRng } from "../src/solver/random";
import type { Exercise, Key, ParamSpec, WorkedSolution } from "./contract";
import { bernoulliLogLikelihoodExercise } from "./bernoulli-log-likelihood";
import { bernoulliMleExercise } from "./bernoulli-mle";
import { eStepExercise } from "./e-step";
import { emConvergenceExercise } from "./em-convergence";
import { emIterationExercise } from "./em-iteration";
import { emStepsExercise } from "./em-steps";
import { gaussianDensityExercise } from "./gaussian-density";
import { gaussianFullMleExercise } from "./gaussian-full-mle";
import { gaussianMleExercise } from "./gaussian-mle";
import { gmmKnownLabelsExercise } from "./gmm-known-labels";
import { mStepExercise } from "./m-step";
import { mixtureLogLikelihoodExercise } from "./mixture-log-likelihood";
import { mleSampleSizeExercise } from "./mle-sample-size";
import { sphericalGaussianMleExercise } from "./spherical-gaussian-mle";
import { asksFlags, plotCaption, checkParametrisation, conversionProblems, convertMistakes, convertParts, convertSolution, exerciseParams, convertCarried, fillAnswer, lectureKey, questionNote, withParametrisation } from "./parametrisation";
import { renderQuestionHtml, renderSolutionHtml, tableView } from "./templates";
import { GivenDataError, readGivenData } from "./given-data";

export { GivenDataError, givenDataSlugs } from "./given-data";
export { GivenCsvError, csvLayout, readGivenCsv } from "./given-data-csv";

export { parametrisationOffers, parametrisationOf, withParametrisation, PARAMETRISATION_MISTAKES, PARAMETRISATION_FORM_CHOICES, parseParametrisationText, parametrisationText, formChoicesFor } from "./parametrisation";
export type { Exercise, ParamSpec, WorkedSolution, SolutionStep, Key, DataTable } from "./contract";

/* eslint-disable @typescript-eslint/no-explicit-any */
const EXERCISES = {
  "bernoulli-mle": bernoulliMleExercise,
  "bernoulli-log-likelihood": bernoulliLogLikelihoodExercise,
  "gaussian-mle": gaussianMleExercise,
  "mle-sample-size": mleSampleSizeExercise,
  "spherical-gaussian-mle": sphericalGaussianMleExercise,
  "gaussian-full-mle": gaussianFullMleExercise,
  "gaussian-density": gaussianDensityExercise,
  "gmm-known-labels": gmmKnownLabelsExercise,
  "e-step": eStepExercise,
  "m-step": mStepExercise,
  "em-iteration": emIterationExercise,
  "em-steps": emStepsExercise,
  "mixture-log-likelihood": mixtureLogLikelihoodExercise,
  "em-convergence": emConvergenceExercise,
} satisfies Record<string, Exercise<any, any>>;

type AnyExercise = Exercise<Record<string, unknown>, unknown>;

/** The six exercise slugs whose data fields and part names are public (CONTRACTS.md). */
export const CORE_SLUGS = ["bernoulli-mle", "gaussian-mle", "spherical-gaussian-mle", "gaussian-full-mle", "gmm-known-labels", "em-iteration"] as const;

/** Bad slug, parameters or seed: the message names the field and what was expected. */
export class ExerciseError extends Error {
  override name = "ExerciseError";
}

/** The item's parametrisation choice is one the exercise does not offer (a 400 naming "parametrisation"). */
export class ParametrisationError extends ExerciseError {
  override name = "ParametrisationError";
}

export type ExerciseInfo = {
  slug: string;
  title: string;
  topic: string;
  description: string;
  /** The TeX source of the lecture formula, and its KaTeX HTML. */
  formula: string;
  formulaHtml: string;
  params: ParamSpec[];
  /** The answer parts for the default parameters. */
  parts: PartSpec[];
};

export type VariantRecord = {
  slug: string;
  seed: number;
  params: Record<string, unknown>;
  data: unknown;
  key: Record<string, Value>;
  solution: WorkedSolution;
  solverVersion: string;
};

/**
 * What a student page may see: no key, no solution, and no seed (with the public CLI, `likely
 * exercises show SLUG --seed S` reproduces the key and the worked solution from it).
 */
export type StudentVariant = Omit<VariantRecord, "key" | "solution" | "seed">;

export type GradeResult =
  | { ok: false; errors: Record<string, string> }
  | { ok: true; values: Record<string, Value>; parts: PartResult[]; score: number };

export function getExercise(slug: string): AnyExercise | undefined {
  return Object.prototype.hasOwnProperty.call(EXERCISES, slug) ? (EXERCISES[slug as keyof typeof EXERCISES] as unknown as AnyExercise) : undefined;
}

/** True when the exercise grades later parts from the student's own earlier ones (error carried forward). */
export function offersCarryForward(slug: string): boolean {
  return getExercise(slug)?.carryForward !== undefined;
}

export function exerciseSlugs(): string[] {
  return Object.keys(EXERCISES);
}

function requireExercise(slug: string): AnyExercise {
  const ex = getExercise(slug);
  if (!ex) throw new ExerciseError(`unknown exercise "${slug}"; expected one of: ${exerciseSlugs().join(", ")}`);
  return ex;
}

/** Validates parameters and applies defaults. @throws ExerciseError naming the parameter. */
export function resolveParams(slug: string, params: unknown): Record<string, unknown> {
  const ex = requireExercise(slug);
  // The parametrisation asked for (parametrisation.ts) rides along in the params; the exercise never sees it.
  const choice = params !== null && typeof params === "object" && !Array.isArray(params) && "parametrisation" in params ? (params as Record<string, unknown>).parametrisation : undefined;
  const r = ex.schema.safeParse(choice === undefined ? (params ?? {}) : exerciseParams(params as Record<string, unknown>));
  if (!r.success) {
    const issue = r.error.issues[0];
    if (issue.code === "unrecognized_keys") {
      const names = ex.params.map((p) => p.name).join(", ") || "(none)";
      throw new ExerciseError(`unknown parameter "${(issue as { keys: string[] }).keys[0]}" for ${slug}; expected: ${names}`);
    }
    throw new ExerciseError(issue.path.length === 0 ? `params must be an object of parameter values (${issue.message})` : issue.message);
  }
  const problem = ex.checkParams?.(r.data);
  if (problem) throw new ExerciseError(problem);
  return withCheckedParametrisation(slug, r.data, choice);
}

/** `params` with the parametrisation asked for riding along (none asked, or only defaults: unchanged). @throws ParametrisationError */
function withCheckedParametrisation(slug: string, params: Record<string, unknown>, choice: unknown): Record<string, unknown> {
  if (choice === undefined) return params;
  const c = checkParametrisation(slug, choice);
  if (!c.ok) throw new ParametrisationError(`parametrisation: ${c.message}`);
  return Object.keys(c.value).length > 0 ? withParametrisation(params, c.value) : params;
}

export function listExercises(): ExerciseInfo[] {
  return exerciseSlugs().map((slug) => {
    const ex = requireExercise(slug);
    return {
      slug,
      title: ex.title,
      topic: ex.topic,
      description: ex.description,
      formula: ex.formula,
      formulaHtml: tex(ex.formula, { display: true }),
      params: ex.params.map((p) => ({ ...p })),
      parts: ex.parts(resolveParams(slug, {})),
    };
  });
}

function checkSeed(seed: unknown): number {
  if (typeof seed !== "number" || !Number.isSafeInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new ExerciseError(`seed must be an integer from 0 to 4294967295, got ${JSON.stringify(seed)}`);
  }
  return seed;
}

/** A variant: data from the seeded generator, key and worked solution from the solver. */
export function createVariant(slug: string, seed: number, params?: unknown): VariantRecord {
  const ex = requireExercise(slug);
  const s = checkSeed(seed);
  const p = resolveParams(slug, params);
  const rng = createRng(s);
  // Data on which a known mistake or a given value scores as right (3 ones in 6 make "the fraction
  // of zeros" equal θ̂) cannot grade a class: draw again from the same seeded stream, so the
  // variant stays a function of the seed. After SEPARATING_ATTEMPTS the least ambiguous one is
  // kept (the self-check reports it).
  let best: { v: VariantRecord; ambiguities: number } | undefined;
  for (let attempt = 0; attempt < SEPARATING_ATTEMPTS; attempt++) {
    const data = ex.generate(rng, exerciseParams(p));
    const lecture = ex.solve(data, exerciseParams(p));
    const { key, solution } = convertSolution(slug, p, lecture.key, lecture.solution);
    // A JSON round trip: what is stored is exactly what is graded later.
    const v = JSON.parse(JSON.stringify({ slug, seed: s, params: p, data, key, solution, solverVersion: SOLVER_VERSION })) as VariantRecord;
    const n = ambiguities(v);
    if (n === 0) return v;
    if (!best || n < best.ambiguities) best = { v, ambiguities: n };
  }
  return best!.v;
}

/** The seed recorded for a variant on given data (no generator ran; every student's variant is the same). */
export const GIVEN_DATA_SEED = 0;

/**
 * A variant on data the instructor gave: checked by the exercise's reader (GivenDataError naming
 * the field otherwise), parameters n, d, k taken from the data, key and worked solution from the
 * solver. Unlike createVariant nothing can be redrawn, so data that cannot tell a known mistake
 * from the key is still taken: `warnings` says which, in words, for the instructor.
 * @throws GivenDataError
 */
export function createVariantFromData(slug: string, rawData: unknown, tol: { rtol?: number; atol?: number } = {}, parametrisation?: unknown): { variant: VariantRecord; warnings: string[] } {
  const ex = requireExercise(slug);
  const given = readGivenData(slug, rawData);
  const data = given.data;
  // The parametrisation asked for rides along in the params, as for generated data (ParametrisationError if refused).
  const params = withCheckedParametrisation(slug, given.params, parametrisation);
  let solved: { key: Key; solution: WorkedSolution };
  try {
    const lecture = ex.solve(data, exerciseParams(params));
    solved = convertSolution(slug, params, lecture.key, lecture.solution);
  } catch (err) {
    throw new GivenDataError([], `the solver cannot use this data (${(err as Error).message})`);
  }
  const v = JSON.parse(JSON.stringify({ slug, seed: GIVEN_DATA_SEED, params, data, key: solved.key, solution: solved.solution, solverVersion: SOLVER_VERSION })) as VariantRecord;
  if (!isFiniteValue(Object.values(v.key).flat(2) as number[])) throw new GivenDataError([], "the estimates on this data are not finite numbers (values too large or too close together)");
  const problems = variantProblems(v);
  if (problems.length > 0) throw new GivenDataError([], problems.join("; "));
  const messages = new Map(exerciseMistakes(v).map((m) => [m.id, m.message]));
  const labels = new Map(variantParts(v).map((p) => [p.name, p.label]));
  const warnings = [
    ...mistakesMatchingKey(v, tol).map(
      (m) => `On this data a known mistake gives the right ${labels.get(m.part) ?? m.part}, so a student who makes it is graded right: ${messages.get(m.id) ?? m.id}`,
    ),
    ...givenValuesMatchingKey(v, tol).map((g) => `A value given in the question equals the key within tolerance, so typing it back is graded right: ${g}`),
  ];
  return { variant: v, warnings };
}

/** Only the data of a variant (no key): cheaper than createVariant when the key is not needed. */
export function generateData(slug: string, seed: number, params?: unknown): unknown {
  // createVariant may draw several data sets for a seed; its choice is the seed's data.
  return createVariant(slug, seed, params).data;
}

/** The student's view of a variant: everything except the key and the solution. */
export function toStudentVariant(v: VariantRecord): StudentVariant {
  return { slug: v.slug, params: v.params, data: v.data, solverVersion: v.solverVersion };
}

export function variantParts(v: StudentVariant): PartSpec[] {
  return convertParts(v.slug, v.params, requireExercise(v.slug).parts(exerciseParams(v.params)));
}

/**
 * The known mistakes of a variant. A mistake's value for a part is dropped when it lies within
 * (twice) the tolerance of the key, so it never shadows a right answer, or of an earlier mistake's
 * value for that part, so every diagnosis is unambiguous; a mistake left with no part is dropped.
 */
export function variantMistakes(v: VariantRecord, tol: { rtol?: number; atol?: number } = {}): Mistake[] {
  // Grading the same record again (the self-check, a regrade loop) reuses the list.
  const cacheKey = `${tol.rtol ?? DEFAULT_RTOL}/${tol.atol ?? DEFAULT_ATOL}`;
  const cached = mistakeCache.get(v)?.get(cacheKey);
  if (cached) return cached;
  const result = computeMistakes(v, tol);
  if (!mistakeCache.has(v)) mistakeCache.set(v, new Map());
  mistakeCache.get(v)!.set(cacheKey, result);
  return result;
}

/** The exercise's known mistakes in the item's parametrisation, with the parametrisation mistakes. */
function exerciseMistakes(v: VariantRecord): Mistake[] {
  const ex = requireExercise(v.slug);
  return convertMistakes(v.slug, v.params, ex.mistakes(v.data, exerciseParams(v.params), lectureKey(v.slug, v.params, v.key)), v.key);
}

const mistakeCache = new WeakMap<VariantRecord, Map<string, Mistake[]>>();

/** True when the grader would take `a` for the key `b` (within the part's tolerance). */
function gradedAs(part: PartSpec | undefined, tol: { rtol?: number; atol?: number }): (a: Value, b: Value) => boolean {
  const t = part ? partTolerance(part, tol) : { rtol: tol.rtol ?? DEFAULT_RTOL, atol: tol.atol ?? DEFAULT_ATOL };
  return (a, b) => allClose(a, b, t.rtol, t.atol);
}

/** True when a and b lie within twice the part's tolerance of each other (either way round). */
function nearFor(part: PartSpec | undefined, tol: { rtol?: number; atol?: number }): (a: Value, b: Value) => boolean {
  const t = part ? partTolerance(part, tol) : { rtol: tol.rtol ?? DEFAULT_RTOL, atol: tol.atol ?? DEFAULT_ATOL };
  return (a, b) => allClose(a, b, 2 * t.rtol, 2 * t.atol) || allClose(b, a, 2 * t.rtol, 2 * t.atol);
}

function computeMistakes(v: VariantRecord, tol: { rtol?: number; atol?: number }): Mistake[] {
  const parts = variantParts(v);
  const out: Mistake[] = [];
  for (const m of exerciseMistakes(v)) {
    const answers: Partial<Record<string, Value>> = {};
    for (const [part, value] of Object.entries(m.answers)) {
      const key = v.key[part];
      const near = nearFor(parts.find((p) => p.name === part), tol);
      if (value === undefined || key === undefined || near(value, key)) continue;
      if (out.some((earlier) => earlier.answers[part] !== undefined && near(value, earlier.answers[part]!))) continue;
      answers[part] = value;
    }
    if (Object.keys(answers).length > 0) out.push({ ...m, answers });
  }
  return recognisable(out, parts, v.key, tol);
}

/**
 * The known mistakes this variant's data cannot tell from the key: a part whose mistaken value the
 * grader takes for the key (within its tolerance), so a student making it would be graded right (3 ones in
 * 6 make "the fraction of zeros" equal θ̂). Mistakes that do not apply to the data (non-finite) are
 * not listed. [] when the data separate every mistake.
 */
export function mistakesMatchingKey(v: VariantRecord, tol: { rtol?: number; atol?: number } = {}, compare = gradedAs): { id: string; part: string }[] {
  const parts = variantParts(v);
  const out: { id: string; part: string }[] = [];
  for (const m of exerciseMistakes(v)) {
    for (const [part, value] of Object.entries(m.answers)) {
      const key = v.key[part];
      if (value !== undefined && key !== undefined && compare(parts.find((p) => p.name === part), tol)(value, key)) out.push({ id: m.id, part });
    }
  }
  return out;
}

/** Data fields that hold the sample itself; every other number in the data or parameters is "given". */
const SAMPLE_FIELDS = new Set(["x", "labels"]);

/** Values given in a question, by where they sit ("params.sigma", "data.init.means"): scalars, vectors and matrices. */
export function givenValues(data: unknown, params: Record<string, unknown>): { where: string; value: Value }[] {
  const out: { where: string; value: Value }[] = [];
  const isVector = (v: unknown): v is number[] => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === "number");
  const visit = (v: unknown, where: string) => {
    if (typeof v === "number") out.push({ where, value: v });
    else if (isVector(v)) out.push({ where, value: v });
    else if (Array.isArray(v) && v.length > 0 && v.every(isVector)) out.push({ where, value: v as number[][] });
    else if (v !== null && typeof v === "object" && !Array.isArray(v)) {
      for (const [k, x] of Object.entries(v)) if (!(where === "data" && SAMPLE_FIELDS.has(k))) visit(x, `${where}.${k}`);
    }
  };
  visit(data, "data");
  visit(params, "params");
  return out;
}

/**
 * Values given in the question (parameters, the true values the data were drawn from, a starting
 * point; not the sample itself) that a student could type back and be graded right: within a part's
 * tolerance of its key. "params.mu (0.5) on part mean" per finding; [] when none.
 */
export function givenValuesMatchingKey(v: VariantRecord, tol: { rtol?: number; atol?: number } = {}): string[] {
  const found: string[] = [];
  const given = givenValues(v.data, v.params);
  for (const part of variantParts(v)) {
    const key = v.key[part.name];
    const right = gradedAs(part, tol);
    for (const g of given) if (key !== undefined && right(g.value, key)) found.push(`${g.where} (${JSON.stringify(g.value)}) on part ${part.name}`);
  }
  return found;
}

/** How many data sets createVariant draws, at most, looking for one that separates right from wrong. */
export const SEPARATING_ATTEMPTS = 40;

/**
 * How ambiguous a variant is (0 is the goal): above all, known mistakes and given values that score
 * as right; then mistakes the grader cannot name (too near the key or another mistake, where
 * computeMistakes drops them), so a student making one is told only "not within tolerance".
 */
function ambiguities(v: VariantRecord): number {
  return 1000 * (mistakesMatchingKey(v).length + givenValuesMatchingKey(v).length) + unnamedMistakes(v);
}

/** Parts of known mistakes (finite, not the key itself) that the grader will not name for this variant. */
function unnamedMistakes(v: VariantRecord): number {
  const named = variantMistakes(v);
  let n = 0;
  for (const m of exerciseMistakes(v)) {
    for (const [part, value] of Object.entries(m.answers)) {
      if (value === undefined || !isFiniteValue(value) || JSON.stringify(value) === JSON.stringify(v.key[part])) continue;
      if (!named.some((k) => k.id === m.id && k.answers[part] !== undefined)) n++;
    }
  }
  return n;
}

function isFiniteValue(value: Value): boolean {
  return (Array.isArray(value) ? value.flat(2) : [value]).every((x) => typeof x === "number" && Number.isFinite(x));
}

/**
 * Keeps, of each mistake, the parts the grader diagnoses as that mistake when a student submits
 * it (the key elsewhere). Parts graded up to a permutation can match differently than listed.
 */
function recognisable(mistakes: Mistake[], parts: PartSpec[], key: Record<string, Value>, tol: { rtol?: number; atol?: number }): Mistake[] {
  let current = mistakes;
  for (let round = 0; round < 3; round++) {
    let changed = false;
    const next: Mistake[] = [];
    for (const m of current) {
      const g = gradeAnswers({ parts, key, answers: { ...key, ...(m.answers as Record<string, Value>) }, mistakes: current, rtol: tol.rtol, atol: tol.atol });
      const answers: Partial<Record<string, Value>> = {};
      for (const [part, value] of Object.entries(m.answers)) {
        if (g.parts.find((r) => r.name === part)?.mistake === m.id) answers[part] = value;
        else changed = true;
      }
      if (Object.keys(answers).length > 0) next.push({ ...m, answers });
    }
    current = next;
    if (!changed) break;
  }
  return current;
}

/** How an item grades: its tolerance and the share of points an answer carried forward earns (default 1). */
export type GradingOptions = { rtol?: number; atol?: number; carryForward?: number };

export function gradeVariant(v: VariantRecord, raw: Record<string, unknown>, tol: GradingOptions = {}): GradeResult {
  const parts = variantParts(v);
  const parsed = parseAnswers(parts, raw);
  if (!parsed.ok) return parsed;
  const mistakeTol = { rtol: tol.rtol, atol: tol.atol };
  const graded = gradeAnswers({ parts, key: v.key, answers: parsed.values, mistakes: variantMistakes(v, mistakeTol), rtol: tol.rtol, atol: tol.atol });
  const carried = carriedForwardValues(v, parsed.values, { rtol: tol.rtol ?? DEFAULT_RTOL, atol: tol.atol ?? DEFAULT_ATOL });
  const g = applyCarryForward({ parts, answers: parsed.values, graded, carried, credit: tol.carryForward, rtol: tol.rtol, atol: tol.atol });
  const results = g.parts.map((r) => ({ ...r, feedback: fillAnswer(r.feedback, r.mistake, parsed.values[r.name]) }));
  return { ok: true, values: parsed.values, parts: results, score: g.score };
}

/**
 * What later parts would be when computed correctly from these (student's) answers, in the
 * parametrisation the item asks for; [] for exercises without error carried forward.
 */
export function carriedForwardValues(v: VariantRecord, answers: Partial<Record<string, Value>>, tol: { rtol: number; atol: number }) {
  const lecture = requireExercise(v.slug).carryForward?.(v.data, exerciseParams(v.params), answers, tol) ?? [];
  return convertCarried(v.slug, v.params, lecture);
}

export function renderQuestion(v: StudentVariant): { html: string; parts: PartSpec[] } {
  const ex = requireExercise(v.slug);
  const own = exerciseParams(v.params);
  const parts = variantParts(v);
  const context: Record<string, unknown> = { asks: asksFlags(v.slug, v.params), ...ex.questionContext(v.data, own) };
  const svg = typeof context.plot === "string" ? context.plot : "";
  const html = renderQuestionHtml({
    slug: v.slug,
    title: ex.title,
    context: { ...context, table: tableView(ex.table(v.data, own)), plot: { svg, caption: plotCaption(v.slug, v.params) } },
    parts,
    note: questionNote(v.slug, v.params),
  });
  return { html, parts };
}

export function renderSolution(v: VariantRecord): string {
  return renderSolutionHtml({ solution: v.solution, parts: variantParts(v), key: v.key });
}

function csvCell(v: number | string): string {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function dataAsCsv(v: StudentVariant): string {
  const t = requireExercise(v.slug).table(v.data, exerciseParams(v.params));
  return [t.columns, ...t.rows].map((row) => row.map(csvCell).join(",")).join("\n") + "\n";
}

/** The student's data download: the data and which exercise it is for; never the seed. */
export function dataAsJson(v: StudentVariant): string {
  return JSON.stringify({ slug: v.slug, data: v.data }, null, 2) + "\n";
}

export function variantSummary(v: VariantRecord): string {
  const ex = requireExercise(v.slug);
  return `${ex.title} (seed ${v.seed}): ${ex.summary(v.data, exerciseParams(v.params))}`;
}

/** Problems making a variant's data unusable: non-finite numbers, NaN in the key, empty components. */
export function variantProblems(v: VariantRecord): string[] {
  return [...requireExercise(v.slug).validate(v.data, lectureKey(v.slug, v.params, v.key as Key)), ...conversionProblems(v.slug, v.params, v.key as Key)];
}
