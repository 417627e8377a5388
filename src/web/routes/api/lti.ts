import { Router } from "express";
import type { Db } from "../../../db/client";
import { selectSyncStatus } from "../../../db/lti-outbox";
import { syncRoster } from "../../../lti/roster-sync";
import { requireCourseRole } from "../../access";
import { currentUser } from "../../middleware/require-user";
import { idParam } from "../../validate";

/** LMS sync of a course for its instructors: roster (NRPS) and grade passback status. */
export function ltiApi(db: Db, secret: string): Router {
  const router = Router();

  router.post("/courses/:courseId/lti/roster-sync", async (req, res) => {
    const courseId = idParam(req.params.courseId, "course");
    await requireCourseRole(db, currentUser(req).id, courseId, "instructor");
    res.json(await syncRoster(db, courseId, secret));
  });

  router.get("/courses/:courseId/lti/scores", async (req, res) => {
    const courseId = idParam(req.params.courseId, "course");
    await requireCourseRole(db, currentUser(req).id, courseId, "instructor");
    res.json(await selectSyncStatus(db, courseId));
  });

  return router;
}
