import type { Db } from "../db/client";
import { selectOptionalCourseRole, type CourseRole } from "../db/courses";
import { notFound } from "../http-error";

/**
 * The caller's role in the course. Not a member, or a student where an instructor is required:
 * 404, exactly like a course that does not exist, so ids reveal nothing.
 */
export async function requireCourseRole(
  db: Db,
  userId: number,
  courseId: number,
  needed?: CourseRole,
): Promise<CourseRole> {
  const role = await selectOptionalCourseRole(db, userId, courseId);
  if (!role || (needed === "instructor" && role !== "instructor")) throw notFound("course");
  return role;
}
