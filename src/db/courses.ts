import { insertAuditEntry } from "./audit";
import type { Db } from "./client";
import { directStatement } from "./direct-statement";
import { normalizeEmail, type PublicUser } from "./users";

export type CourseRole = "student" | "instructor";
export type CourseWithRole = { id: number; code: string; title: string; role: CourseRole };

export async function selectCoursesForUser(db: Db, userId: number): Promise<CourseWithRole[]> {
  const rows = await db.enrollment.findMany({
    where: { userId },
    select: { role: true, course: { select: { id: true, code: true, title: true } } },
    orderBy: { course: { code: "asc" } },
  });
  return rows.map((r) => ({ ...r.course, role: r.role as CourseRole }));
}

/** The caller's role in a course, or null when they are not a member (callers answer 404). */
export async function selectOptionalCourseRole(db: Db, userId: number, courseId: number): Promise<CourseRole | null> {
  const direct = directStatement(db, `SELECT role FROM Enrollment WHERE userId = ? AND courseId = ?`);
  if (direct) return ((direct.get(userId, courseId) as { role: string } | undefined)?.role as CourseRole | undefined) ?? null;
  const e = await db.enrollment.findUnique({
    where: { userId_courseId: { userId, courseId } },
    select: { role: true },
  });
  return (e?.role as CourseRole | undefined) ?? null;
}

export async function selectOptionalCourse(db: Db, id: number) {
  return db.course.findUnique({ where: { id } });
}

export async function insertCourse(
  db: Db,
  course: { code: string; title: string; joinCode: string },
  instructorId: number,
) {
  return db.course.create({
    data: { ...course, enrollments: { create: { userId: instructorId, role: "instructor" } } },
  });
}

export type RosterEntry = { email: string; name: string; passwordHash: string };

/**
 * Roster import: creates missing accounts and enrols everyone as a student, in one transaction.
 * Existing accounts keep their password and name; an existing enrolment (either role) is left as
 * it is, so re-importing the same roster changes nothing. What it did goes to the course's audit trail.
 */
export async function upsertRoster(
  db: Db,
  courseId: number,
  entries: RosterEntry[],
): Promise<{ created: PublicUser[]; enrolled: number }> {
  return db.$transaction(async (tx) => {
    const created: PublicUser[] = [];
    const enrolledEmails: string[] = [];
    for (const entry of entries) {
      const email = normalizeEmail(entry.email);
      let user = await tx.user.findUnique({ where: { email }, select: { id: true, email: true, name: true, role: true } });
      if (!user) {
        user = await tx.user.create({
          data: { email, name: entry.name, role: "student", passwordHash: entry.passwordHash },
          select: { id: true, email: true, name: true, role: true },
        });
        created.push(user as PublicUser);
      }
      const existing = await tx.enrollment.findUnique({
        where: { userId_courseId: { userId: user.id, courseId } },
        select: { id: true },
      });
      if (!existing) {
        await tx.enrollment.create({ data: { userId: user.id, courseId, role: "student" } });
        enrolledEmails.push(email);
      }
    }
    if (enrolledEmails.length > 0) {
      await insertAuditEntry(tx, {
        courseId,
        action: "roster.import",
        summary: `Roster import: ${created.length} new account${created.length === 1 ? "" : "s"}, ${enrolledEmails.length} newly enrolled (${entries.length} rows)`,
        after: { created: created.map((u) => u.email), enrolled: enrolledEmails },
      });
    }
    return { created, enrolled: enrolledEmails.length };
  });
}

/** Which of these emails have no account yet (so only their passwords need hashing). */
export async function selectMissingEmails(db: Db, emails: string[]): Promise<Set<string>> {
  const normalized = emails.map(normalizeEmail);
  const found = await db.user.findMany({ where: { email: { in: normalized } }, select: { email: true } });
  const have = new Set(found.map((u) => u.email));
  return new Set(normalized.filter((e) => !have.has(e)));
}

export async function updateCourse(db: Db, id: number, changes: { title?: string; code?: string; joinCode?: string }) {
  await db.course.update({ where: { id }, data: changes });
}

export async function countCourseStudents(db: Db, courseId: number): Promise<number> {
  return db.enrollment.count({ where: { courseId, role: "student" } });
}
