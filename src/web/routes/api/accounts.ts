import { Router } from "express";
import { authenticate } from "../../../auth/authenticate";
import { changePassword } from "../../../auth/change-password";
import { resetStudentPassword } from "../../../auth/reset-student-password";
import { importRoster } from "../../../auth/roster-import";
import { randomToken, sha256 } from "../../../auth/secrets";
import type { Db } from "../../../db/client";
import { selectCoursesForUser } from "../../../db/courses";
import { deleteApiToken } from "../../../db/credentials";
import { insertApiToken } from "../../../db/sessions";
import { requireCourseRole } from "../../access";
import { HttpError } from "../../../http-error";
import { loginLimiter, passwordChangeLimiter } from "../../middleware/rate-limits";
import { currentUser } from "../../middleware/require-user";
import { idParam, parseInput } from "../../validate";
import { credentials, passwordChange, roster } from "./schemas";

/** POST /api/v1/tokens: exchange email and password for a bearer token (no auth needed). */
export function tokenRoutes(db: Db): Router {
  const router = Router();
  router.post("/tokens", loginLimiter(), async (req, res) => {
    const { email, password } = parseInput(credentials, req.body);
    const user = await authenticate(db, email, password);
    if (!user) throw new HttpError(401, "wrong email or password");
    const token = randomToken();
    const expiresAt = await insertApiToken(db, sha256(token), user.id);
    res.status(201).json({ token, expiresAt, user });
  });
  return router;
}

/** Account and course membership endpoints (bearer token required). */
export function accountRoutes(db: Db): Router {
  const router = Router();

  router.get("/me", (req, res) => {
    res.json(currentUser(req));
  });

  // Signs this token out: it answers 401 from the next request on (the token cache is told).
  router.delete("/tokens/current", async (req, res) => {
    await deleteApiToken(db, req.tokenHash!);
    res.status(204).end();
  });

  // Every other session and token of the user is revoked; this token stays valid.
  router.post("/me/password", passwordChangeLimiter(), async (req, res) => {
    const { currentPassword, newPassword } = parseInput(passwordChange, req.body);
    await changePassword(db, currentUser(req).id, currentPassword, newPassword, { tokenHash: req.tokenHash });
    res.status(204).end();
  });

  router.get("/courses", async (req, res) => {
    res.json(await selectCoursesForUser(db, currentUser(req).id));
  });

  router.post("/courses/:courseId/students", async (req, res) => {
    const courseId = idParam(req.params.courseId, "course");
    await requireCourseRole(db, currentUser(req).id, courseId, "instructor");
    const { students } = parseInput(roster, req.body);
    const result = await importRoster(db, courseId, students);
    res.status(201).json(result);
  });

  // A generated password, returned once; refused (409) for accounts other courses also trust.
  router.post("/courses/:courseId/students/:userId/password", async (req, res) => {
    const courseId = idParam(req.params.courseId, "course");
    const instructorId = currentUser(req).id;
    await requireCourseRole(db, instructorId, courseId, "instructor");
    const result = await resetStudentPassword(db, courseId, instructorId, idParam(req.params.userId, "student"));
    res.set("Cache-Control", "no-store").json(result);
  });

  return router;
}
