import { selectAssignmentsForCourse } from "../db/assignments";
import type { Db } from "../db/client";
import { selectCourseAttempts, selectCourseStudents } from "../db/gradebook";
import { countedScore } from "./policy";
import { totalPoints } from "./assignment-view";

/** `key` indexes `scores`: the assignment id as text, or e.g. "quiz-3" for other columns. */
export type GradebookColumn = { id: number; key: string; title: string; points: number; kind: "homework" | "exam" | "quiz" };
export type GradebookRow = {
  id: number;
  email: string;
  name: string;
  /** Points earned per column id; null when the student has not attempted anything in it. */
  scores: Record<string, number | null>;
  total: number;
};
export type Gradebook = { assignments: GradebookColumn[]; students: GradebookRow[]; possible: number };

/** Extra gradebook columns from other features (live quizzes), keyed like "quiz-3". */
export type ExtraColumns = { columns: GradebookColumn[]; scores: Map<string, Map<number, number>> };

/** Students x assignments with points earned (best or last attempt per item, by policy) and totals. */
export async function buildGradebook(db: Db, courseId: number, extra?: ExtraColumns): Promise<Gradebook> {
  const [assignments, students, attempts] = await Promise.all([
    selectAssignmentsForCourse(db, courseId),
    selectCourseStudents(db, courseId),
    selectCourseAttempts(db, courseId),
  ]);
  // user -> item -> scores in attempt order
  const byUserItem = new Map<number, Map<number, number[]>>();
  for (const a of attempts) {
    let items = byUserItem.get(a.userId);
    if (!items) byUserItem.set(a.userId, (items = new Map()));
    const list = items.get(a.itemId);
    if (list) list.push(a.score);
    else items.set(a.itemId, [a.score]);
  }
  const columns: GradebookColumn[] = assignments.map((a) => ({ id: a.id, key: String(a.id), title: a.title, points: totalPoints(a), kind: a.kind }));
  const rows = students.map((s) => {
    const scores: Record<string, number | null> = {};
    let total = 0;
    for (const a of assignments) {
      let earned: number | null = null;
      for (const item of a.items) {
        const counted = countedScore(byUserItem.get(s.id)?.get(item.id) ?? [], a.scorePolicy);
        if (counted !== null) earned = (earned ?? 0) + counted * item.points;
      }
      scores[String(a.id)] = earned === null ? null : round(earned);
      total += earned ?? 0;
    }
    for (const c of extra?.columns ?? []) {
      const v = extra!.scores.get(c.key)?.get(s.id);
      scores[c.key] = v === undefined ? null : round(v);
      total += v ?? 0;
    }
    return { ...s, scores, total: round(total) };
  });
  const allColumns = [...columns, ...(extra?.columns ?? [])];
  return { assignments: allColumns, students: rows, possible: round(allColumns.reduce((s, c) => s + c.points, 0)) };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** A CSV cell: quoted when needed, and spreadsheet formulas neutralised (= + - @ tab CR lead). */
export function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? "" : String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(s)) s = "'" + s;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The gradebook as CSV for an LMS import: one row per student (name, id, email), one column per
 * assignment titled with its points possible, then the total; a second header-like row is avoided
 * because LMS importers read only the first.
 */
export function gradebookCsv(g: Gradebook): string {
  const header = ["Student", "ID", "Email", ...g.assignments.map((a) => `${a.title} (${a.points} pts)`), `Total (${g.possible} pts)`];
  const lines = [header.map(csvCell).join(",")];
  for (const s of g.students) {
    const cells = [s.name, s.id, s.email, ...g.assignments.map((a) => s.scores[a.key] ?? ""), s.total];
    lines.push(cells.map(csvCell).join(","));
  }
  return lines.join("\r\n") + "\r\n";
}
