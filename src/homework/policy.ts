import type { AssignmentRow } from "../db/assignments";
import type { ExtensionRow } from "../db/extensions";

/** What an assignment's policy means for one student at one moment. */
export type StudentPolicy = {
  /** "upcoming": before opensAt; "open"; "closed": after the (extended) due date, or the student's exam time is up. */
  status: "upcoming" | "open" | "closed";
  /** The student's due date (their extension's, if any). */
  dueAt: Date | null;
  /** Attempts allowed per item, extra attempts included; null = unlimited. */
  maxAttempts: number | null;
  /** Past the student's due date: what "after-due" reveals wait for (an exam clock running out is not enough). */
  pastDue: boolean;
  /** Timed assignment: minutes on this student's clock (limit plus extension minutes); null when untimed. */
  minutes: number | null;
  /** When this student's clock started (their first view); null when untimed or not started. */
  startedAt: Date | null;
  /** When this student's time ends: start + minutes, capped by the due date; null when untimed or not started. */
  endsAt: Date | null;
  /** The clock ran out: submissions are refused with 409. */
  timeUp: boolean;
};

type PolicyFields = Pick<AssignmentRow, "opensAt" | "dueAt" | "maxAttempts"> & { timeLimitMinutes?: number | null };
type PolicyExtension = Pick<ExtensionRow, "dueAt" | "extraAttempts"> & Partial<ExtensionRow>;

/** A timed student's end: start plus the limit and extension minutes, never later than the due date. */
export function clockEnd(startedAt: Date, minutes: number, dueAt: Date | null): Date {
  const end = new Date(startedAt.getTime() + Math.round(minutes * 60_000));
  return dueAt && dueAt < end ? dueAt : end;
}

export function studentPolicy(a: PolicyFields, ext: PolicyExtension | null, now = new Date(), startedAt: Date | null = null): StudentPolicy {
  const dueAt = ext?.dueAt ?? a.dueAt;
  const maxAttempts = a.maxAttempts === null ? null : a.maxAttempts + (ext?.extraAttempts ?? 0);
  const pastDue = dueAt !== null && now > dueAt;
  const minutes = a.timeLimitMinutes ? a.timeLimitMinutes + (ext?.extraMinutes ?? 0) : null;
  const endsAt = minutes !== null && startedAt ? clockEnd(startedAt, minutes, dueAt) : null;
  const timeUp = endsAt !== null && now > endsAt;
  const status = a.opensAt && now < a.opensAt ? "upcoming" : pastDue || timeUp ? "closed" : "open";
  return { status, dueAt, maxAttempts, pastDue, minutes, startedAt: minutes !== null ? startedAt : null, endsAt, timeUp };
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
  // The due date, not a student's own exam clock: classmates may still be sitting the exam.
  if (policy.pastDue) return true;
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

/** "30 minutes", "1.5 minutes", "1 minute": a clock's length in words. */
export function formatMinutes(minutes: number): string {
  const n = Math.round(minutes * 100) / 100;
  return `${n} minute${n === 1 ? "" : "s"}`;
}
