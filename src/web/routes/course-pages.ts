import { Router } from "express";
import type { Db } from "../../db/client";
import { selectCoursesForUser } from "../../db/courses";
import { currentUser, requireUser } from "../middleware/require-user";

/** Landing pages after sign-in: an instructor's courses, a student's assignments. */
export function coursePages(db: Db): Router {
  const router = Router();
  router.use(["/courses", "/assignments"], requireUser);

  router.get("/courses", async (req, res) => {
    const courses = await selectCoursesForUser(db, currentUser(req).id);
    res.render("courses", { title: "Your courses", courses });
  });

  router.get("/assignments", async (req, res) => {
    const courses = await selectCoursesForUser(db, currentUser(req).id);
    res.render("assignments", { title: "Your assignments", courses });
  });

  return router;
}
