/**
 * An answer as a student would type it back: text as given (line breaks kept), a list as
 * "1, 2, 3", a matrix one row per line. Used to refill the inputs and in the submission history,
 * so a matrix sent through the API still reads as rows, not as one line of brackets.
 *
 * @example answerText([[1, 2], [3, 4]]) // "1, 2\n3, 4"
 */
export function answerText(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  if (Array.isArray(value)) {
    if (value.every((row) => Array.isArray(row))) return value.map((row: unknown[]) => row.map(String).join(", ")).join("\n");
    if (value.every((x) => !Array.isArray(x) && (typeof x !== "object" || x === null))) return value.map(String).join(", ");
  }
  return value === undefined ? "" : JSON.stringify(value);
}
