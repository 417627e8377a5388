import { CORRECT_FEEDBACK, type GradeOutput, type PartResult, type PartSpec, partTolerance } from "./grade-answers";
import type { Value } from "./shape";
import { allClose } from "./tolerance";

/**
 * Error carried forward: a value a later part takes when it is computed correctly from the
 * student's own earlier answers (e.g. M-step means from the student's responsibilities).
 * `from` names the earlier parts it follows from; `basis` says so in the student's words
 * ("your responsibilities").
 */
export type CarriedKey = { part: string; value: Value; from: string[]; basis: string };

/** Default share of a part's points an answer carried forward earns (an item may set 0 to 1). */
export const DEFAULT_CARRY_FORWARD = 1;

/** What a student is told about carried-forward credit on an item that offers it. */
export function carryForwardSentence(credit: number = DEFAULT_CARRY_FORWARD): string {
  if (credit >= 1) return "A later part computed correctly from your own earlier answer counts, even when that earlier answer is wrong (error carried forward).";
  if (credit <= 0) return "Your instructor turned off credit carried forward on this exercise: a later part earns points only when it matches the right answer, not one computed from a wrong earlier answer.";
  return `A later part computed correctly from your own wrong earlier answer earns ${percent(credit)} of its points on this exercise (your instructor's setting for credit carried forward).`;
}

function percent(credit: number): string {
  return `${Number((credit * 100).toPrecision(4))}%`;
}

/**
 * Re-scores parts graded wrong against the key that match a carried key within the part's
 * tolerance. When every part the carried key follows from was itself right, the answer is simply
 * right (it differs from the key only by the student's rounding). Otherwise the part earns
 * `credit` of its points (1: all, 0: none, told why), `carriedForward: true` and a feedback that
 * names what it follows from. A part whose named mistake is also the mistake of every wrong part
 * it follows from keeps that diagnosis. Parts graded up to a permutation of the components are left as
 * graded (their answers were reordered). The score is recomputed from the parts.
 *
 * @example applyCarryForward({ parts, answers, graded, carried: [{ part: "means", value: [[1]], from: ["responsibilities"], basis: "your responsibilities" }] })
 */
export function applyCarryForward(input: {
  parts: PartSpec[];
  answers: Record<string, Value>;
  graded: GradeOutput;
  carried: CarriedKey[];
  credit?: number;
  rtol?: number;
  atol?: number;
}): GradeOutput {
  const credit = input.credit ?? DEFAULT_CARRY_FORWARD;
  if (!(credit >= 0 && credit <= 1)) throw new Error(`applyCarryForward: credit must be from 0 to 1 (got ${credit})`);
  if (input.carried.length === 0) return input.graded;
  const byName = new Map(input.graded.parts.map((p) => [p.name, p]));
  const results: PartResult[] = [];
  let total = 0;
  let earned = 0;
  for (const part of input.parts) {
    const w = part.weight ?? 1;
    total += w;
    const graded = byName.get(part.name)!;
    const answer = Object.prototype.hasOwnProperty.call(input.answers, part.name) ? input.answers[part.name] : undefined;
    let result = graded;
    if (!graded.correct && answer !== undefined && part.permutationGroup === undefined) {
      const { rtol, atol } = partTolerance(part, input);
      // A named mistake that also explains every part it follows from (plain means, then variances
      // around them) is the better diagnosis: it stays.
      const sameMistake = (c: CarriedKey) => {
        const wrong = c.from.map((f) => byName.get(f)).filter((r) => r !== undefined && !r.correct);
        return graded.mistake !== undefined && wrong.length > 0 && wrong.every((r) => r!.mistake === graded.mistake);
      };
      const match = input.carried.find((c) => c.part === part.name && allClose(answer, c.value, rtol, atol) && !sameMistake(c));
      if (match) result = carriedResult(part.name, match, byName, credit);
    }
    results.push(result);
    byName.set(part.name, result);
    if (result.correct) earned += w * (result.credit ?? 1);
  }
  const score = total > 0 ? earned / total : 0;
  return { ...input.graded, parts: results, score };
}

function carriedResult(name: string, match: CarriedKey, graded: Map<string, PartResult>, credit: number): PartResult {
  // The earlier parts were right: the answer differs from the key only by the rounding the student typed.
  if (match.from.every((f) => graded.get(f)?.correct === true && graded.get(f)?.carriedForward !== true)) {
    return { name, correct: true, feedback: CORRECT_FEEDBACK };
  }
  if (credit >= 1) return { name, correct: true, carriedForward: true, feedback: `Correct given ${match.basis} (error carried forward).` };
  if (credit <= 0) {
    return {
      name,
      correct: false,
      feedback: `This follows correctly from ${match.basis}, but this exercise gives no credit for answers carried forward from a wrong earlier part.`,
    };
  }
  return {
    name,
    correct: true,
    carriedForward: true,
    credit,
    feedback: `Correct given ${match.basis} (error carried forward). Answers carried forward from a wrong earlier part earn ${percent(credit)} of the points on this exercise.`,
  };
}
