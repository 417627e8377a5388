import { formatShape, type Shape, type Value } from "./shape";
import { allClose, DEFAULT_ATOL, DEFAULT_RTOL, isClose, totalRelativeError } from "./tolerance";
import { matchPermutation } from "./permutation";

/**
 * One answer part of an exercise. Parts sharing a `permutationGroup` have a leading component axis
 * of the same length k (a vector of k numbers, or a k x d matrix) and are graded up to one common
 * reordering of the components.
 */
export type PartSpec = {
  name: string;
  label: string;
  shape: Shape;
  weight?: number;
  permutationGroup?: string;
  /**
   * The exercise's own tolerance for this part, when the defaults cannot separate right from wrong
   * (a key near 0, an estimate within 1% of the value the data were drawn from). An item's explicit
   * rtol/atol still wins.
   */
  rtol?: number;
  atol?: number;
};
/** A known wrong answer: the value(s) it produces per part and what went wrong. */
export type Mistake = { id: string; message: string; answers: Partial<Record<string, Value>> };
/**
 * `carriedForward`: right given the student's own earlier part rather than the key (error carried
 * forward, see carry-forward.ts); `credit`: the share of the part's points it earns when below 1.
 */
export type PartResult = { name: string; correct: boolean; feedback: string; mistake?: string; carriedForward?: boolean; credit?: number };

export type GradeInput = {
  parts: PartSpec[];
  key: Record<string, Value>;
  answers: Record<string, Value>;
  mistakes?: Mistake[];
  rtol?: number;
  atol?: number;
};
export type GradeOutput = { parts: PartResult[]; score: number; permutation?: Record<string, number[]> };

export const CORRECT_FEEDBACK = "Correct.";
export const MISSING_FEEDBACK = "No answer was given for this part.";

function formatTolerance(x: number): string {
  return String(Number(x.toPrecision(6)));
}

/**
 * Significant digits that always land within `rtol` of a value: rounding to s digits moves a
 * number by at most 5 x 10^-s of itself (leading digit 1), so s = ceil(log10(5 / rtol)).
 * 1% gives 3. Undefined when rtol is 0 (only the absolute tolerance applies).
 *
 * @example significantDigits(0.01) // 3
 */
export function significantDigits(rtol: number): number | undefined {
  if (!(rtol > 0)) return undefined;
  return Math.max(1, Math.ceil(Math.log10(5 / rtol) - 1e-9));
}

/** The tolerance in plain words, for the question page and for wrong answers. */
export function toleranceSentence(rtol: number, atol: number): string {
  const digits = significantDigits(rtol);
  if (digits === undefined) return `Give the exact value (within ${formatTolerance(atol)}).`;
  return `Give at least ${digits} significant digits: an answer within ${formatTolerance(rtol * 100)}% of the exact value counts.`;
}

/** The generic feedback for a wrong answer without a known mistake: states the tolerance, never the key. */
export function toleranceFeedback(rtol: number, atol: number): string {
  return `Not close enough. ${toleranceSentence(rtol, atol)}`;
}

type Off = { where: string; high: boolean };

function describeOff(off: Off[], total: number): string {
  if (total === 1 && off.length === 1) return `Your answer is too ${off[0]!.high ? "high" : "low"}.`;
  const high = off.filter((o) => o.high);
  const low = off.filter((o) => !o.high);
  if (off.length > 3) {
    const counts = [high.length > 0 ? `${high.length} too high` : "", low.length > 0 ? `${low.length} too low` : ""].filter(Boolean).join(" and ");
    return `${off.length === total ? `All ${total}` : `${off.length} of ${total}`} entries are off: ${counts}.`;
  }
  // In reading order: the group holding the first entry that is off comes first.
  const groups = (off[0]!.high ? [high, low] : [low, high])
    .filter((g) => g.length > 0)
    .map((g) => {
      const where = g.map((o) => o.where);
      const list = where.length === 1 ? where[0]! : `${where.slice(0, -1).join(", ")} and ${where[where.length - 1]}`;
      return `${list} ${where.length === 1 ? "is" : "are"} too ${g[0]!.high ? "high" : "low"}`;
    });
  const sentence = groups.join("; ");
  return `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`;
}

/**
 * Feedback for a wrong answer of the right shape: which entries are too high or too low (the
 * direction only, never the expected value) and how precise an answer must be.
 */
export function wrongValueFeedback(answer: Value, key: Value, rtol: number, atol: number): string {
  const off: Off[] = [];
  let total = 0;
  const check = (a: number, b: number, where: string) => {
    total++;
    if (!isClose(a, b, rtol, atol)) off.push({ where, high: a > b });
  };
  if (typeof answer === "number" || typeof key === "number") {
    if (typeof answer === "number" && typeof key === "number") check(answer, key, "your answer");
  } else {
    const matrix = Array.isArray(key[0]);
    for (let i = 0; i < key.length; i++) {
      const a: unknown = answer[i];
      const b: unknown = key[i];
      if (Array.isArray(a) && Array.isArray(b)) {
        // A column (k x 1, e.g. 1-D means) is read by rows, a single row by entries.
        for (let j = 0; j < b.length; j++) {
          const where = b.length === 1 ? `row ${i + 1}` : key.length === 1 ? `entry ${j + 1}` : `row ${i + 1} entry ${j + 1}`;
          check(a[j] as number, b[j] as number, where);
        }
      } else if (!matrix) check(a as number, b as number, `entry ${i + 1}`);
    }
  }
  return off.length > 0 ? `${describeOff(off, total)} ${toleranceSentence(rtol, atol)}` : toleranceFeedback(rtol, atol);
}

function own<T>(record: Record<string, T> | Partial<Record<string, T>>, name: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(record, name) ? record[name] : undefined;
}

/** Length of the leading (component) axis of a value, or undefined for a scalar. */
function leadingLength(v: Value): number | undefined {
  return typeof v === "number" ? undefined : v.length;
}

/** The value with its components reordered: result[i] = value[perm[i]]. */
function permute(value: Value, perm: number[]): Value {
  if (typeof value === "number" || value.length !== perm.length) return value;
  return perm.map((j) => value[j]!) as Value;
}

/** Component i of a value along its leading axis (a number, or a row). */
function component(value: Value, i: number): Value | undefined {
  if (typeof value === "number") return undefined;
  return value[i];
}

/**
 * Grades parsed answers against the key. A part is correct when `allClose(answer, key, rtol, atol)`.
 * A wrong part that matches a known mistake gets that mistake's message and id. The score is the
 * weighted fraction of correct parts (0..1). Throws when the exercise definition is inconsistent
 * (missing key, negative weight, permutation group without a common component axis).
 *
 * @example gradeAnswers({ parts, key: { mean: 2 }, answers: { mean: 2.001 } }).score // 1
 */
export function gradeAnswers(input: GradeInput): GradeOutput {
  const tolOf = (part: PartSpec) => partTolerance(part, input);
  for (const part of input.parts) {
    const { rtol, atol } = tolOf(part);
    if (!(rtol >= 0) || !(atol >= 0)) throw new Error(`gradeAnswers: rtol and atol must be >= 0 (got ${rtol}, ${atol})`);
  }
  const mistakes = input.mistakes ?? [];
  const weights = new Map<string, number>();
  for (const part of input.parts) {
    const w = part.weight ?? 1;
    if (!(w >= 0) || !Number.isFinite(w)) throw new Error(`gradeAnswers: part "${part.name}" has an invalid weight ${w}`);
    if (own(input.key, part.name) === undefined) throw new Error(`gradeAnswers: no key for part "${part.name}"`);
    weights.set(part.name, w);
  }

  // Reorder the answers of each permutation group by the best matching permutation.
  const effective = new Map<string, Value | undefined>();
  for (const part of input.parts) effective.set(part.name, own(input.answers, part.name));
  const groups = new Map<string, PartSpec[]>();
  for (const part of input.parts) {
    if (part.permutationGroup === undefined) continue;
    const list = groups.get(part.permutationGroup) ?? [];
    list.push(part);
    groups.set(part.permutationGroup, list);
  }
  let permutation: Record<string, number[]> | undefined;
  for (const [group, members] of groups) {
    const ks = members.map((m) => leadingLength(own(input.key, m.name)!));
    const k = ks[0];
    if (k === undefined || k < 1 || ks.some((x) => x !== k)) {
      throw new Error(`gradeAnswers: parts of permutation group "${group}" need a common leading axis (got lengths ${ks.join(", ")})`);
    }
    const close: boolean[][][] = [];
    const error: number[][][] = [];
    for (const m of members) {
      const { rtol, atol } = tolOf(m);
      const key = own(input.key, m.name)!;
      const ans = own(input.answers, m.name);
      const usable = ans !== undefined && leadingLength(ans) === k;
      const c: boolean[][] = [];
      const e: number[][] = [];
      for (let i = 0; i < k; i++) {
        const ci: boolean[] = [];
        const ei: number[] = [];
        for (let j = 0; j < k; j++) {
          const a = usable ? component(ans, j) : undefined;
          const b = component(key, i)!;
          ci.push(a !== undefined && allClose(a, b, rtol, atol));
          // A missing or misshapen answer costs the same under every permutation (0), and one
          // wild entry is capped, so neither hides the tie-break between the other parts.
          ei.push(a !== undefined ? Math.min(totalRelativeError(a, b, atol), 1e12) : 0);
        }
        c.push(ci);
        e.push(ei);
      }
      close.push(c);
      error.push(e);
    }
    const match = matchPermutation({ weight: members.map((m) => weights.get(m.name)!), close, error, k });
    permutation ??= Object.create(null) as Record<string, number[]>;
    permutation[group] = match.perm;
    for (const m of members) {
      const ans = own(input.answers, m.name);
      if (ans !== undefined) effective.set(m.name, permute(ans, match.perm));
    }
  }

  const results: PartResult[] = [];
  let total = 0;
  let earned = 0;
  for (const part of input.parts) {
    const { rtol, atol } = tolOf(part);
    const w = weights.get(part.name)!;
    total += w;
    const key = own(input.key, part.name)!;
    const ans = effective.get(part.name);
    if (ans === undefined) {
      results.push({ name: part.name, correct: false, feedback: MISSING_FEEDBACK });
      continue;
    }
    if (allClose(ans, key, rtol, atol)) {
      earned += w;
      results.push({ name: part.name, correct: true, feedback: CORRECT_FEEDBACK });
      continue;
    }
    const mistake = mistakes.find((m) => {
      const wrong = own(m.answers, part.name);
      return wrong !== undefined && allClose(ans, wrong, rtol, atol);
    });
    if (mistake) {
      results.push({ name: part.name, correct: false, feedback: mistake.message, mistake: mistake.id });
    } else if (!sameShape(ans, key)) {
      results.push({ name: part.name, correct: false, feedback: `Expected ${formatShape(part.shape)}.` });
    } else {
      results.push({ name: part.name, correct: false, feedback: wrongValueFeedback(ans, key, rtol, atol) });
    }
  }
  const score = total > 0 ? earned / total : 0;
  return permutation ? { parts: results, score, permutation } : { parts: results, score };
}

/** A part's tolerance: the item's explicit one, else the part's own, else the defaults. */
export function partTolerance(part: PartSpec, tol: { rtol?: number; atol?: number } = {}): { rtol: number; atol: number } {
  return { rtol: tol.rtol ?? part.rtol ?? DEFAULT_RTOL, atol: tol.atol ?? part.atol ?? DEFAULT_ATOL };
}

function sameShape(a: Value, b: Value): boolean {
  if (typeof a === "number" || typeof b === "number") return typeof a === typeof b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x: unknown = a[i];
    const y: unknown = b[i];
    if (Array.isArray(x) !== Array.isArray(y)) return false;
    if (Array.isArray(x) && Array.isArray(y) && x.length !== y.length) return false;
  }
  return true;
}
