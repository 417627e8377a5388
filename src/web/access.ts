import type { Request } from "express";
import type { Db } from "../db/client";
import { selectOptionalCourse, selectOptionalCourseRole, type CourseRole } from "../db/courses";
import { notFound } from "../http-error";
import { currentUser } from "./middleware/require-user";
import { idParam } from "./validate";

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

/** The course of `req.params.courseId` when the signed-in user teaches it; 404 otherwise. */
export async function requireInstructorCourse(db: Db, req: Request) {
  const courseId = idParam(req.params.courseId, "course");
  await requireCourseRole(db, currentUser(req).id, courseId, "instructor");
  const course = await selectOptionalCourse(db, courseId);
  if (!course) throw notFound("course");
  return course;
}
