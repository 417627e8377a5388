/**
 * Grading: answer parsing, tolerance comparison, per-part scoring, mistake diagnosis and
 * permutation-invariant matching of mixture components. Pure: imports nothing outside this folder.
 */
export { type Shape, type Value, formatShape } from "./shape";
export { DEFAULT_RTOL, DEFAULT_ATOL, isClose, allClose } from "./tolerance";
export { type ParseResult, parseAnswer, parseAnswers, MAX_INPUT_LENGTH } from "./parse-answer";
export { type PartSpec, type Mistake, type PartResult, gradeAnswers, partTolerance, significantDigits, toleranceSentence } from "./grade-answers";
export { type CarriedKey, applyCarryForward, carryForwardSentence, DEFAULT_CARRY_FORWARD } from "./carry-forward";
