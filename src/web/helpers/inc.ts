/** `{{inc @index}}`: 1-based numbering in lists. */
export function inc(n: unknown): number {
  return Number(n) + 1;
}
