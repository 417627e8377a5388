/** Words for a stored setting value, so pages never show internal values such as "after-attempts". */
const LABELS: Record<string, string> = {
  homework: "Homework",
  exam: "Exam",
  "after-due": "after the due date",
  "after-attempts": "once attempts are used up",
  never: "never",
  best: "best attempt",
  last: "last attempt",
  always: "any time",
};

/** `{{settingLabel assignment.revealPolicy}}` -> "after the due date"; unknown values pass through. */
export function settingLabel(value: unknown): string {
  const s = String(value ?? "");
  return LABELS[s] ?? s;
}
