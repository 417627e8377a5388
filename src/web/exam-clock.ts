import type { StudentPolicy } from "../homework/policy";

/** "1 h 05 min", "12 min 30 s", "45 s": time left in words, as public/js/exam-clock.js writes it too. */
export function timeLeftText(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h > 0) return `${h} h ${String(m).padStart(2, "0")} min`;
  if (m > 0) return `${m} min ${String(s % 60).padStart(2, "0")} s`;
  return `${s} s`;
}

export type ExamClock = { endsAt: Date; endsAtIso: string; nowIso: string; timeUp: boolean; leftText: string; minutes: number };

/**
 * What a timed exam's pages show: the end of the student's clock and the time left, from the
 * server's clock (the page's script ticks it down from the same instant). Null when untimed or not started.
 */
export function examClock(policy: StudentPolicy, now = new Date()): ExamClock | null {
  if (!policy.endsAt || policy.minutes === null) return null;
  return {
    endsAt: policy.endsAt,
    endsAtIso: policy.endsAt.toISOString(),
    nowIso: now.toISOString(),
    timeUp: policy.timeUp || now >= policy.endsAt,
    leftText: timeLeftText(policy.endsAt.getTime() - now.getTime()),
    minutes: policy.minutes,
  };
}
