import type { Db } from "../db/client";
import { selectAttemptSummaries } from "../db/attempt-summaries";
import { selectStudentDashboard } from "../db/dashboard";
import { countedSummaryScore, studentPolicy } from "./policy";

export type DashboardAssignment = {
  id: number;
  title: string;
  kind: string;
  dueAt: Date | null;
  status: "upcoming" | "open" | "closed";
  /** Timed: minutes on the student's clock, which starts when they open the assignment; null when untimed. */
  timeLimitMinutes: number | null;
  /** Timed and started: when the student's time ends. */
  endsAt: Date | null;
  /** "todo", "started", "done" (every item attempted) */
  progress: "todo" | "started" | "done";
  points: number;
  earned: number;
  itemCount: number;
  attempted: number;
};

/** A student's courses and assignments with due dates, status and score. Upcoming ones are listed without links. */
export async function studentDashboard(db: Db, userId: number, now = new Date()) {
  const enrollments = await selectStudentDashboard(db, userId);
  const variantIds = enrollments.flatMap(({ course }) => course.assignments.flatMap((a) => a.items.flatMap((i) => i.variants.map((v) => v.id))));
  const summaries = await selectAttemptSummaries(db, variantIds);
  return enrollments.map(({ course }) => ({
    id: course.id,
    code: course.code,
    title: course.title,
    assignments: course.assignments.map((a): DashboardAssignment => {
      const policy = studentPolicy(a, a.extensions[0] ?? null, now, a.starts[0]?.startedAt ?? null);
      let earned = 0;
      let attempted = 0;
      for (const item of a.items) {
        const summary = item.variants[0] ? summaries.get(item.variants[0].id) : undefined;
        const counted = summary ? countedSummaryScore(summary, a.scorePolicy as "best" | "last") : null;
        if (counted !== null) attempted++;
        earned += (counted ?? 0) * item.points;
      }
      const points = a.items.reduce((s, i) => s + i.points, 0);
      return {
        id: a.id,
        title: a.title,
        kind: a.kind,
        dueAt: policy.dueAt,
        status: policy.status,
        timeLimitMinutes: policy.minutes,
        endsAt: policy.endsAt,
        progress: attempted === 0 ? "todo" : attempted === a.items.length ? "done" : "started",
        points,
        earned: Math.round(earned * 100) / 100,
        itemCount: a.items.length,
        attempted,
      };
    }),
  }));
}
