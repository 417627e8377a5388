import { DEFAULT_ATOL, DEFAULT_RTOL, formatShape, partTolerance, toleranceSentence, type PartSpec } from "../../grading";
import type { PartFeedback } from "../../homework/submit";
import { answerText } from "./answer-text";

/** What an answer form shows after a submit: the values typed, unreadable ones, graded feedback. */
export type AnswerState = { values?: Record<string, unknown>; errors?: Record<string, string>; result?: { parts: PartFeedback[] } };

/**
 * The inputs of an answer form (views/partials/answer-parts.hbs), one per part, refilled with what
 * was typed. Focus lands on the first unreadable answer (autofocus works without JavaScript).
 */
export function answerPartsView(parts: PartSpec[], page: AnswerState, item?: ItemTolerance) {
  const resultParts = new Map((page.result?.parts ?? []).map((p) => [p.name, p]));
  const firstBad = page.errors ? parts.find((p) => page.errors![p.name] !== undefined)?.name : undefined;
  return {
    firstBad,
    parts: parts.map((p) => ({
      ...p,
      shapeText: formatShape(p.shape),
      multiline: p.shape.kind === "matrix",
      // One line per matrix row, so a 4 x 2 answer is seen whole (up to 12 rows; more scroll).
      rows: p.shape.kind === "matrix" ? Math.min(Math.max(p.shape.rows, 2), 12) : undefined,
      value: answerText(page.values?.[p.name]),
      error: page.errors?.[p.name],
      autofocus: p.name === firstBad,
      result: resultParts.get(p.name),
      // A part graded with its own tolerance (σ asked instead of σ², a sample-size bound) says so.
      toleranceText: item ? partToleranceText(p, item) : undefined,
    })),
  };
}

type ItemTolerance = { rtol: number | null; atol: number | null };

/** A part's tolerance sentence when it differs from the item's (said once above the parts). */
function partToleranceText(part: PartSpec, item: ItemTolerance): string | undefined {
  const t = partTolerance(part, { rtol: item.rtol ?? undefined, atol: item.atol ?? undefined });
  const own = toleranceSentence(t.rtol, t.atol);
  return own === toleranceSentence(item.rtol ?? DEFAULT_RTOL, item.atol ?? DEFAULT_ATOL) ? undefined : own;
}
