import type { Db } from "./client";

export type StudentRow = { id: number; email: string; name: string };

export async function selectCourseStudents(db: Db, courseId: number): Promise<StudentRow[]> {
  const rows = await db.enrollment.findMany({
    where: { courseId, role: "student" },
    select: { user: { select: { id: true, email: true, name: true } } },
    orderBy: { user: { name: "asc" } },
  });
  return rows.map((r) => r.user);
}

export async function selectOptionalCourseStudent(db: Db, courseId: number, userId: number): Promise<StudentRow | null> {
  const e = await db.enrollment.findUnique({
    where: { userId_courseId: { userId, courseId } },
    select: { role: true, user: { select: { id: true, email: true, name: true } } },
  });
  return e && e.role === "student" ? e.user : null;
}

/** Every graded attempt in a course as (user, item, score), in attempt order. */
export async function selectCourseAttempts(db: Db, courseId: number): Promise<{ userId: number; itemId: number; score: number }[]> {
  const rows = await db.submission.findMany({
    where: { variant: { item: { assignment: { courseId } } } },
    select: { userId: true, score: true, variant: { select: { itemId: true } } },
    orderBy: [{ variantId: "asc" }, { attempt: "asc" }],
  });
  return rows.map((r) => ({ userId: r.userId, itemId: r.variant.itemId!, score: r.score }));
}
