import { Router } from "express";
import { selectAuditPage } from "../../../db/audit";
import type { Db } from "../../../db/client";
import { requireCourseRole } from "../../access";
import { parseAuditQuery } from "../../audit-query";
import { currentUser } from "../../middleware/require-user";
import { idParam } from "../../validate";

/** GET /api/v1/courses/:courseId/audit: the course's audit trail, newest first (instructors of the course). */
export function auditApi(db: Db): Router {
  const router = Router();
  router.get("/courses/:courseId/audit", async (req, res) => {
    const courseId = idParam(req.params.courseId, "course");
    await requireCourseRole(db, currentUser(req).id, courseId, "instructor");
    const q = parseAuditQuery(req.query);
    const { entries, total } = await selectAuditPage(db, courseId, q.filter, q);
    res.json({ entries, page: q.page, perPage: q.perPage, total });
  });
  return router;
}
