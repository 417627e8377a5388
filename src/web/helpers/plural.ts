/** `{{plural n "attempt"}}` -> "1 attempt" / "3 attempts". */
export function plural(n: unknown, word: unknown): string {
  const count = Number(n);
  return `${count} ${String(word)}${count === 1 ? "" : "s"}`;
}
