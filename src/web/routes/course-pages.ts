import { Router } from "express";
import type { Db } from "../../db/client";
import { selectCoursesForUser } from "../../db/courses";
import { currentUser, requireUser } from "../middleware/require-user";

/** The instructor's landing page: their courses. */
export function coursePages(db: Db): Router {
  const router = Router();
  router.get("/courses", requireUser, async (req, res) => {
    const user = currentUser(req);
    const courses = await selectCoursesForUser(db, user.id);
    res.render("courses", { title: "Your courses", courses, canCreate: user.role === "instructor" });
  });
  return router;
}
