import type { Db } from "./client";

/** A student's assignments across their courses, with their variant per item (summaries: src/db/attempt-summaries.ts). */
export async function selectStudentDashboard(db: Db, userId: number) {
  return db.enrollment.findMany({
    where: { userId, role: "student" },
    orderBy: { course: { code: "asc" } },
    select: {
      course: {
        select: {
          id: true,
          code: true,
          title: true,
          assignments: {
            orderBy: [{ dueAt: { sort: "asc", nulls: "last" } }, { id: "asc" }],
            include: {
              items: {
                orderBy: { position: "asc" },
                include: {
                  variants: {
                    where: { userId },
                    select: { id: true },
                  },
                },
              },
              extensions: { where: { userId } },
              starts: { where: { userId }, select: { startedAt: true } },
            },
          },
        },
      },
    },
  });
}

export async function selectOptionalCourseByJoinCode(db: Db, joinCode: string) {
  return db.course.findUnique({ where: { joinCode }, select: { id: true, code: true, title: true } });
}

/** Enrols a user as a student unless they are already a member (in any role). */
export async function insertStudentEnrollment(db: Db, userId: number, courseId: number): Promise<boolean> {
  const existing = await db.enrollment.findUnique({ where: { userId_courseId: { userId, courseId } } });
  if (existing) return false;
  await db.enrollment.create({ data: { userId, courseId, role: "student" } });
  return true;
}
