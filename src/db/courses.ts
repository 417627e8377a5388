import { insertAuditEntry } from "./audit";
import type { Db } from "./client";
import { directStatement } from "./direct-statement";
import { revocationsOf } from "./revocations";
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
 * An existing account keeps its name and credentials, with one exception: a password that another
 * course's instructor chose at import (and its holder never replaced) is voided, with every session
 * and token and that course's unused setup links, because an instructor must never hold the
 * credentials of an account that belongs to other courses. An existing enrolment (either role) is
 * left as it is, so re-importing the same roster changes nothing. Returns who was newly enrolled;
 * the course's audit trail records the import in the same words the instructor sees (never which
 * e-mails already had an account).
 */
export async function upsertRoster(db: Db, courseId: number, entries: RosterEntry[]): Promise<{ newlyEnrolled: PublicUser[] }> {
  const voided: number[] = [];
  const result = await db.$transaction(async (tx) => {
    const newlyEnrolled: PublicUser[] = [];
    const select = { id: true, email: true, name: true, role: true, passwordSetByCourseId: true } as const;
    for (const entry of entries) {
      const email = normalizeEmail(entry.email);
      let user = await tx.user.findUnique({ where: { email }, select });
      if (!user) {
        user = await tx.user.create({
          data: { email, name: entry.name, role: "student", passwordHash: entry.passwordHash, passwordSetByCourseId: entry.passwordHash ? courseId : null },
          select,
        });
      } else if (user.passwordSetByCourseId !== null && user.passwordSetByCourseId !== courseId) {
        await tx.user.update({ where: { id: user.id }, data: { passwordHash: "", passwordSetByCourseId: null } });
        await tx.session.deleteMany({ where: { userId: user.id } });
        await tx.apiToken.deleteMany({ where: { userId: user.id } });
        await tx.accountSetup.updateMany({ where: { userId: user.id, usedAt: null }, data: { usedAt: new Date() } });
        voided.push(user.id);
      }
      const existing = await tx.enrollment.findUnique({
        where: { userId_courseId: { userId: user.id, courseId } },
        select: { id: true },
      });
      if (!existing) {
        // Unused setup links from other courses die: only this course's new link can set a first password.
        await tx.accountSetup.updateMany({ where: { userId: user.id, usedAt: null, courseId: { not: courseId } }, data: { usedAt: new Date() } });
        await tx.enrollment.create({ data: { userId: user.id, courseId, role: "student" } });
        newlyEnrolled.push({ id: user.id, email: user.email, name: user.name, role: user.role as PublicUser["role"] });
      }
    }
    if (newlyEnrolled.length > 0) {
      await insertAuditEntry(tx, {
        courseId,
        action: "roster.import",
        summary: `Roster import: ${newlyEnrolled.length} student${newlyEnrolled.length === 1 ? "" : "s"} added (${entries.length} row${entries.length === 1 ? "" : "s"})`,
        after: { enrolled: newlyEnrolled.map((u) => u.email) },
      });
    }
    return { newlyEnrolled };
  });
  // After COMMIT, so no process keeps accepting a cached session or token of a voided account.
  for (const userId of voided) revocationsOf(db).announce(userId);
  return result;
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
