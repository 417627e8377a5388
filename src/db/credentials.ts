import { insertAuditEntry, type Tx } from "./audit";
import type { Db } from "./client";
import { revocationsOf } from "./revocations";

/** A credential of the caller that survives a revocation of "every other" one. */
export type KeptCredential = { tokenHash?: string; sessionHash?: string };

/**
 * Every query here that revokes commits first and then tells this process's caches
 * (`revocationsOf(db).announce`), before the caller answers: the next request with a revoked
 * token or session is refused, cache or not.
 */

export async function selectOptionalPasswordHash(db: Db, userId: number): Promise<string | null> {
  const u = await db.user.findUnique({ where: { id: userId }, select: { passwordHash: true } });
  return u?.passwordHash ?? null;
}

/** Revokes one API token (sign-out of a script); answers whether it existed. */
export async function deleteApiToken(db: Db, tokenHash: string): Promise<boolean> {
  const t = await db.apiToken.findUnique({ where: { tokenHash }, select: { userId: true } });
  if (!t) return false;
  await db.apiToken.deleteMany({ where: { tokenHash } });
  revocationsOf(db).announce(t.userId);
  return true;
}

/** Revokes every session and token of a user except `keep`: "sign out everywhere". Returns how many. */
export async function deleteUserCredentials(db: Db, userId: number, keep: KeptCredential = {}): Promise<number> {
  const n = await db.$transaction(async (tx) => deleteAll(tx, userId, keep));
  revocationsOf(db).announce(userId);
  return n;
}

async function deleteAll(tx: Tx, userId: number, keep: KeptCredential): Promise<number> {
  const s = await tx.session.deleteMany({ where: { userId, ...(keep.sessionHash ? { id: { not: keep.sessionHash } } : {}) } });
  const t = await tx.apiToken.deleteMany({ where: { userId, ...(keep.tokenHash ? { tokenHash: { not: keep.tokenHash } } : {}) } });
  return s.count + t.count;
}

/** Sets a new password hash and revokes every other session and token of the user, in one transaction. */
export async function updatePasswordRevokingOthers(db: Db, userId: number, passwordHash: string, keep: KeptCredential): Promise<void> {
  await db.$transaction(async (tx) => {
    // The holder's own password: no instructor knows it any more (see passwordSetByCourseId).
    await tx.user.update({ where: { id: userId }, data: { passwordHash, passwordSetByCourseId: null } });
    await deleteAll(tx, userId, keep);
  });
  revocationsOf(db).announce(userId);
}

export type ResetOutcome = { ok: true; email: string } | { ok: false; status: 404 | 409; reason: string };

/**
 * An instructor sets a student's password. Allowed only when the account is a plain student
 * account (never an instructor or admin account, nor an instructor in any course) and every course
 * it belongs to is taught by this instructor: otherwise an instructor could take over an account
 * that other courses trust (e.g. by importing its email into their own roster first). The checks,
 * the new hash, the revocation of every session and token and the audit entry are one transaction.
 */
/** Why an instructor may not reset this password, in words that reveal nothing about other courses. */
export const RESET_REFUSED =
  "Only an administrator can reset this password: you can reset the password of a student account that belongs to your courses alone. The student can also use their setup link.";

export async function updateStudentPasswordByInstructor(
  db: Db,
  courseId: number,
  instructorId: number,
  studentId: number,
  passwordHash: string,
): Promise<ResetOutcome> {
  const outcome = await db.$transaction(async (tx): Promise<ResetOutcome> => {
    const student = await tx.user.findUnique({
      where: { id: studentId },
      select: { id: true, email: true, role: true, enrollments: { select: { courseId: true, role: true } } },
    });
    const here = student?.enrollments.find((e) => e.courseId === courseId);
    const teaching = await tx.enrollment.findMany({ where: { userId: instructorId, role: "instructor" }, select: { courseId: true } });
    const taught = new Set(teaching.map((e) => e.courseId));
    if (!student || here?.role !== "student" || !taught.has(courseId)) return { ok: false, status: 404, reason: "student not found" };
    // One answer for both refusals: which one applies would tell this instructor whether the account
    // teaches, or belongs to another course (finding 9: an import must not reveal that).
    if (student.role !== "student" || student.enrollments.some((e) => e.role !== "student" || !taught.has(e.courseId))) {
      return { ok: false, status: 409, reason: RESET_REFUSED };
    }
    // This instructor now knows the password: it is for the first sign-in only, and voided if
    // another course enrols the account before its holder replaces it.
    await tx.user.update({ where: { id: studentId }, data: { passwordHash, passwordSetByCourseId: courseId } });
    const revoked = await deleteAll(tx, studentId, {});
    await insertAuditEntry(tx, {
      courseId,
      action: "password.reset",
      student: { id: student.id, email: student.email },
      summary: `Password of ${student.email} reset; ${revoked} session${revoked === 1 ? "" : "s"} and token${revoked === 1 ? "" : "s"} signed out`,
      after: { sessionsAndTokensRevoked: revoked },
    });
    return { ok: true, email: student.email };
  });
  if (outcome.ok) revocationsOf(db).announce(studentId);
  return outcome;
}
