import type { Shape } from "../../src/grading";

/** A readable answer of the right shape that is no key: 7 in every entry. */
export function filler(shape: Shape): unknown {
  if (shape.kind === "scalar") return "7";
  if (shape.kind === "vector") return Array(shape.length).fill(7);
  return Array.from({ length: shape.rows }, () => Array(shape.cols).fill(7));
}

/** Filler answers for every part. */
export function fillerAnswers(parts: { name: string; shape: Shape }[]): Record<string, unknown> {
  return Object.fromEntries(parts.map((p) => [p.name, filler(p.shape)]));
}
