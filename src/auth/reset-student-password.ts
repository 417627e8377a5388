import type { Db } from "../db/client";
import { updateStudentPasswordByInstructor } from "../db/credentials";
import { HttpError, notFound } from "../http-error";
import { hashPassword } from "./passwords";
import { readablePassword } from "./secrets";

/**
 * An instructor gives a student of their course a new, generated password (returned once, never
 * stored in clear); the student's sessions and tokens are revoked and the course's audit trail
 * records it. Refused (409) for accounts other courses or roles also trust; see the query.
 * @throws HttpError 404 when the student is not a student of this instructor's course; 409 when refused.
 */
export async function resetStudentPassword(db: Db, courseId: number, instructorId: number, studentId: number): Promise<{ email: string; password: string }> {
  const password = readablePassword();
  const outcome = await updateStudentPasswordByInstructor(db, courseId, instructorId, studentId, await hashPassword(password));
  if (!outcome.ok) throw outcome.status === 404 ? notFound("student") : new HttpError(409, outcome.reason);
  return { email: outcome.email, password };
}
