import { Router } from "express";
import { resetStudentPassword } from "../../auth/reset-student-password";
import type { Db } from "../../db/client";
import { requireInstructorCourse } from "../access";
import { currentUser, requireUser } from "../middleware/require-user";
import { idParam } from "../validate";

/** An instructor resets a student's password; the new one is shown on this answer only. */
export function studentPasswordPages(db: Db): Router {
  const router = Router();
  router.use("/courses", requireUser);

  router.post("/courses/:courseId/students/:userId/password", async (req, res) => {
    const course = await requireInstructorCourse(db, req);
    const studentId = idParam(req.params.userId, "student");
    const { email, password } = await resetStudentPassword(db, course.id, currentUser(req).id, studentId);
    res.set("Cache-Control", "no-store");
    res.render("instructor/password-reset", { title: "New password", course, student: { id: studentId, email }, password });
  });

  return router;
}
