import { hashPassword } from "../auth/passwords";
import { joinCode, readablePassword } from "../auth/secrets";
import type { Db } from "../db/client";
import { countUsers } from "../db/users";
import { listExercises } from "../../exercises";
import { createAssignment } from "../homework/assignments";

export const DEMO_INSTRUCTOR = "instructor@example.edu";
export const DEMO_STUDENTS = ["student1@example.edu", "student2@example.edu", "student3@example.edu"];

export type DemoResult = { created: false } | { created: true; password: string; generated: boolean; courseId: number };

/**
 * On an empty database: the course ML101 with one instructor and three students sharing one
 * password (LIKELY_DEMO_PASSWORD, or a random one the caller prints once).
 */
export async function createDemoData(db: Db, demoPassword: string | undefined): Promise<DemoResult> {
  if ((await countUsers(db)) > 0) return { created: false };
  const password = demoPassword ?? readablePassword();
  const passwordHash = await hashPassword(password);
  const course = await db.$transaction(async (tx) => {
    const instructor = await tx.user.create({
      data: { email: DEMO_INSTRUCTOR, name: "Ida Instructor", role: "instructor", passwordHash },
    });
    const course = await tx.course.create({
      data: {
        code: "ML101",
        title: "Machine Learning: Maximum Likelihood and EM",
        joinCode: joinCode(),
        enrollments: { create: { userId: instructor.id, role: "instructor" } },
      },
    });
    const names = ["Sam Student", "Noor Numpy", "Lee Likelihood"];
    for (const [i, email] of DEMO_STUDENTS.entries()) {
      const s = await tx.user.create({ data: { email, name: names[i]!, role: "student", passwordHash } });
      await tx.enrollment.create({ data: { userId: s.id, courseId: course.id, role: "student" } });
    }
    return course;
  });
  await createDemoAssignments(db, course.id);
  return { created: true, password, generated: demoPassword === undefined, courseId: course.id };
}

/** One homework per catalogue topic, due a week apart, so every exercise type is on show (also a new LMS course's set). */
export async function createDemoAssignments(db: Db, courseId: number): Promise<void> {
  const byTopic = new Map<string, string[]>();
  for (const e of listExercises()) byTopic.set(e.topic, [...(byTopic.get(e.topic) ?? []), e.slug]);
  let week = 1;
  for (const [topic, slugs] of byTopic) {
    const dueAt = new Date(Date.now() + week * 7 * 24 * 3600 * 1000);
    dueAt.setUTCHours(23, 59, 0, 0);
    await createAssignment(db, courseId, {
      title: `Week ${week}: ${topic}`,
      kind: "homework",
      dueAt,
      maxAttempts: 5,
      revealPolicy: "after-attempts",
      items: slugs.map((exercise) => ({ exercise })),
    });
    week++;
  }
}
