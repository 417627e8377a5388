import type { Express } from "express";
import request from "supertest";
import { hashPassword } from "../../src/auth/passwords";
import { joinCode } from "../../src/auth/secrets";
import type { Db } from "../../src/db/client";
import { insertCourse } from "../../src/db/courses";
import { insertUser } from "../../src/db/users";
import { createDemoData } from "../../src/seed/demo";
import { tokenFor } from "./test-app";

export const PASSWORD = "demo-password-123";

/** Two courses: ML101 (demo: instructor, student1..3) and OTHER (its own instructor and student). */
export async function twoCourses(db: Db) {
  const demo = await createDemoData(db, PASSWORD);
  if (!demo.created) throw new Error("demo data not created");
  const hash = await hashPassword(PASSWORD);
  const otherInstructor = await insertUser(db, { email: "other.instructor@example.edu", name: "Olga Other", role: "instructor", passwordHash: hash });
  const otherStudent = await insertUser(db, { email: "other.student@example.edu", name: "Oscar Other", role: "student", passwordHash: hash });
  const other = await insertCourse(db, { code: "OTHER1", title: "Another course", joinCode: joinCode() }, otherInstructor.id);
  await db.enrollment.create({ data: { userId: otherStudent.id, courseId: other.id, role: "student" } });
  return { courseId: demo.courseId, otherCourseId: other.id };
}

export type Tokens = Record<"instructor" | "student1" | "student2" | "student3" | "otherInstructor" | "otherStudent", string>;

export async function allTokens(app: Express): Promise<Tokens> {
  const emails = {
    instructor: "instructor@example.edu",
    student1: "student1@example.edu",
    student2: "student2@example.edu",
    student3: "student3@example.edu",
    otherInstructor: "other.instructor@example.edu",
    otherStudent: "other.student@example.edu",
  } as const;
  const entries = await Promise.all(Object.entries(emails).map(async ([k, e]) => [k, await tokenFor(app, e, PASSWORD)] as const));
  return Object.fromEntries(entries) as Tokens;
}

export function bearer(token: string) {
  return { Authorization: `Bearer ${token}` };
}

/** Calls the API as someone: `as(app, token).get(path)`. */
export function as(app: Express, token: string) {
  return {
    get: (path: string) => request(app).get(path).set(bearer(token)),
    post: (path: string, body?: object) => request(app).post(path).set(bearer(token)).send(body ?? {}),
  };
}
