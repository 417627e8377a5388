import type { AssignmentRow } from "../db/assignments";
import type { ExtensionRow } from "../db/extensions";

/** What an assignment's policy means for one student at one moment. */
export type StudentPolicy = {
  /** "upcoming": before opensAt; "open"; "closed": after the (extended) due date. */
  status: "upcoming" | "open" | "closed";
  /** The student's due date (their extension's, if any). */
  dueAt: Date | null;
  /** Attempts allowed per item, extra attempts included; null = unlimited. */
  maxAttempts: number | null;
};

export function studentPolicy(a: Pick<AssignmentRow, "opensAt" | "dueAt" | "maxAttempts">, ext: ExtensionRow | null, now = new Date()): StudentPolicy {
  const dueAt = ext?.dueAt ?? a.dueAt;
  const maxAttempts = a.maxAttempts === null ? null : a.maxAttempts + (ext?.extraAttempts ?? 0);
  const status = a.opensAt && now < a.opensAt ? "upcoming" : dueAt && now > dueAt ? "closed" : "open";
  return { status, dueAt, maxAttempts };
}

export function attemptsLeft(policy: StudentPolicy, used: number): number | null {
  return policy.maxAttempts === null ? null : Math.max(0, policy.maxAttempts - used);
}

/**
 * May this student see the key and worked solution of an item now? Only after their own due
 * date ("after-due"), or also once their attempts are used up ("after-attempts"); never for "never".
 */
export function mayReveal(a: Pick<AssignmentRow, "revealPolicy">, policy: StudentPolicy, used: number): boolean {
  if (a.revealPolicy === "never") return false;
  if (policy.status === "closed") return true;
  return a.revealPolicy === "after-attempts" && attemptsLeft(policy, used) === 0;
}

/** The counted score from a variant's summary (src/db/attempt-summaries.ts), without its history. */
export function countedSummaryScore(summary: { best: number | null; last: number | null }, scorePolicy: "best" | "last"): number | null {
  return scorePolicy === "best" ? summary.best : summary.last;
}

/** The score (0..1) that counts for an item: the best or the last attempt; null before any. */
export function countedScore(scores: number[], scorePolicy: "best" | "last"): number | null {
  if (scores.length === 0) return null;
  return scorePolicy === "best" ? Math.max(...scores) : scores[scores.length - 1]!;
}
