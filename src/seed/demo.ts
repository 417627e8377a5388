import { hashPassword } from "../auth/passwords";
import { joinCode, readablePassword } from "../auth/secrets";
import type { Db } from "../db/client";
import { countUsers } from "../db/users";

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
  return { created: true, password, generated: demoPassword === undefined, courseId: course.id };
}
