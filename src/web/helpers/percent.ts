/** `{{percent 0.756}}` -> "76%"; empty for null. */
export function percent(value: unknown): string {
  return typeof value === "number" && Number.isFinite(value) ? `${Math.round(value * 100)}%` : "";
}
