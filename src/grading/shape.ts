/**
 * Answer shapes and values.
 *
 * A scalar is a `number`, a vector of length n is `number[]` (n entries), a matrix r x c is
 * `number[][]` (r rows of c entries each).
 */
export type Shape =
  | { kind: "scalar" }
  | { kind: "vector"; length: number }
  | { kind: "matrix"; rows: number; cols: number };

export type Value = number | number[] | number[][];

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/**
 * Describes a shape for a student, e.g. "a number", "a list of 3 numbers",
 * "a 2 x 2 matrix (2 rows of 2 numbers)".
 *
 * @example formatShape({ kind: "vector", length: 3 }) // "a list of 3 numbers"
 */
export function formatShape(shape: Shape): string {
  switch (shape.kind) {
    case "scalar":
      return "a number";
    case "vector":
      return `a list of ${plural(shape.length, "number")}`;
    case "matrix":
      return `a ${shape.rows} x ${shape.cols} matrix (${plural(shape.rows, "row")} of ${plural(shape.cols, "number")})`;
  }
}

/** True when `shape` has positive integer sizes (a well-formed exercise definition). */
export function isValidShape(shape: Shape): boolean {
  const size = (n: unknown) => typeof n === "number" && Number.isInteger(n) && n >= 1;
  if (shape === null || typeof shape !== "object") return false;
  switch (shape.kind) {
    case "scalar":
      return true;
    case "vector":
      return size(shape.length);
    case "matrix":
      return size(shape.rows) && size(shape.cols);
    default:
      return false;
  }
}

export { plural };
