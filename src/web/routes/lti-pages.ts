import { Router, type Response } from "express";
import type { Config } from "../../config";
import { selectAssignmentsForCourse } from "../../db/assignments";
import type { Db } from "../../db/client";
import { selectOptionalCourse } from "../../db/courses";
import { selectOptionalPlatform, selectPlatforms } from "../../db/lti";
import { selectOptionalLtiContextForCourse } from "../../db/lti-identity";
import { retryAssignmentScores, selectSyncStatus } from "../../db/lti-outbox";
import { totalPoints } from "../../homework/assignment-view";
import { HttpError, notFound } from "../../http-error";
import { contentItems, deepLinkResponse, type DeepLinkContext } from "../../lti/deep-link";
import { signingKey } from "../../lti/keys";
import { platformSchema, registerPlatform } from "../../lti/platforms";
import { syncRoster, type RosterChanges } from "../../lti/roster-sync";
import { unseal } from "../../lti/sealed";
import { toolUrls } from "../../lti/urls";
import { canvasConfig } from "../../lti/canvas-config";
import { registerDynamically, RegistrationError } from "../../lti/dynamic-registration";
import { requireCourseRole } from "../access";
import { currentUser, requireUser } from "../middleware/require-user";
import { idParam } from "../validate";
import { publicOrigin } from "./lti-protocol";
import { forgetFrameAncestors } from "../middleware/lti-frame-ancestors";

/** Lets this one response's form post to the LMS (the default CSP allows form posts to 'self' only). */
function allowFormPostTo(res: Response, url: string): void {
  const csp = res.getHeader("Content-Security-Policy");
  if (typeof csp === "string") res.setHeader("Content-Security-Policy", csp.replace(/form-action [^;]*/, `form-action 'self' ${new URL(url).origin}`));
}

/** The LTI pages people see: the deep-linking picker, the course's LMS sync page, the admin page. */
export function ltiPages(db: Db, config: Config): Router {
  const router = Router();
  router.use(["/lti/deep-link", "/admin/lti", "/lti/register"], requireUser);

  function pickerContext(token: unknown, userId: number): DeepLinkContext {
    const ctx = unseal<DeepLinkContext>(config.sessionSecret, "deep-link", token);
    if (!ctx || ctx.userId !== userId) throw new HttpError(400, "This selection has expired or belongs to someone else. Start it again from the LMS.");
    return ctx;
  }

  async function pickerAssignments(courseId: number) {
    return (await selectAssignmentsForCourse(db, courseId)).map((a) => ({ id: a.id, title: a.title, points: totalPoints(a), dueAt: a.dueAt, kind: a.kind }));
  }

  router.get("/lti/deep-link", async (req, res) => {
    const ctx = pickerContext(req.query.ctx, currentUser(req).id);
    await requireCourseRole(db, currentUser(req).id, ctx.courseId, "instructor");
    const course = await selectOptionalCourse(db, ctx.courseId);
    res.render("lti/deep-link", { title: "Add Likely assignments", course, ctx: req.query.ctx, assignments: await pickerAssignments(ctx.courseId), multiple: ctx.acceptMultiple, bodyClass: "lti-framed" });
  });

  router.post("/lti/deep-link", async (req, res) => {
    const ctx = pickerContext(req.body?.ctx, currentUser(req).id);
    await requireCourseRole(db, currentUser(req).id, ctx.courseId, "instructor");
    const raw: unknown = req.body?.assignment;
    const ids = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map((v) => Number(v));
    const all = await pickerAssignments(ctx.courseId);
    const picked = ids.map((id) => all.find((a) => a.id === id));
    if (ids.length === 0 || picked.some((a) => !a)) {
      const error = ids.length === 0 ? "Choose at least one assignment." : "assignment: one of the chosen assignments is not in this course.";
      const course = await selectOptionalCourse(db, ctx.courseId);
      res.status(400).render("lti/deep-link", { title: "Add Likely assignments", course, ctx: req.body.ctx, assignments: all, multiple: ctx.acceptMultiple, error, bodyClass: "lti-framed" });
      return;
    }
    if (!ctx.acceptMultiple && ids.length > 1) throw new HttpError(400, "assignment: this LMS accepts one assignment per link; choose one.");
    const platform = await selectOptionalPlatform(db, ctx.platformId);
    if (!platform) throw new HttpError(409, "The LMS platform is no longer registered with Likely.");
    const items = contentItems(picked as NonNullable<(typeof picked)[number]>[], toolUrls(publicOrigin(config, req)).launchUrl, ctx.acceptLineItem);
    const jwt = await deepLinkResponse(await signingKey(db, config.sessionSecret), platform, ctx, items);
    allowFormPostTo(res, ctx.returnUrl);
    res.render("lti/autopost", { title: "Returning to the LMS", action: ctx.returnUrl, fields: [{ name: "JWT", value: jwt }], count: items.length, scripts: ["/static/js/lti-autopost.js"], bodyClass: "lti-framed" });
  });

  // ---- the instructor's LMS page of a course: grade sync status, retry, roster sync ----

  async function lmsPage(courseId: number, res: Response, extra: { roster?: RosterChanges; rosterError?: string; notice?: string } = {}, status = 200) {
    const ctx = await selectOptionalLtiContextForCourse(db, courseId);
    if (!ctx) throw notFound("LMS link of this course");
    const [course, assignments, sync] = await Promise.all([selectOptionalCourse(db, courseId), selectAssignmentsForCourse(db, courseId), selectSyncStatus(db, courseId)]);
    const byId = new Map(sync.map((s) => [s.assignmentId, s]));
    res.status(status).render("lti/course", {
      title: `${course!.code} · LMS`,
      course,
      ctx,
      rows: assignments.map((a) => ({ id: a.id, title: a.title, sync: byId.get(a.id) ?? null })),
      ...extra,
    });
  }

  router.get("/courses/:courseId/lms", requireUser, async (req, res) => {
    const courseId = idParam(req.params.courseId, "course");
    await requireCourseRole(db, currentUser(req).id, courseId, "instructor");
    await lmsPage(courseId, res, { notice: req.query.retried ? `Retrying ${Number(req.query.retried)} score(s) now.` : undefined });
  });

  router.post("/courses/:courseId/lms/assignments/:id/retry", requireUser, async (req, res) => {
    const courseId = idParam(req.params.courseId, "course");
    await requireCourseRole(db, currentUser(req).id, courseId, "instructor");
    const assignmentId = idParam(req.params.id, "assignment");
    if (!(await selectAssignmentsForCourse(db, courseId)).some((a) => a.id === assignmentId)) throw notFound("assignment");
    const n = await retryAssignmentScores(db, assignmentId);
    res.redirect(303, `/courses/${courseId}/lms?retried=${n}`);
  });

  router.post("/courses/:courseId/lms/roster-sync", requireUser, async (req, res) => {
    const courseId = idParam(req.params.courseId, "course");
    await requireCourseRole(db, currentUser(req).id, courseId, "instructor");
    try {
      const roster = await syncRoster(db, courseId, config.sessionSecret);
      await lmsPage(courseId, res, { roster });
    } catch (err) {
      if (!(err instanceof HttpError) || err.status === 404) throw err;
      await lmsPage(courseId, res, { rosterError: err.message }, err.status);
    }
  });

  // ---- the operator's page: platforms, the URLs to paste into the LMS, the Canvas JSON ----

  // The platforms page is the operator's (admin account role, like all of /admin); dynamic
  // registration, opened from the LMS's own admin screens, also takes an instructor account.
  const mayAdminister = (role: string) => role === "admin";
  const mayRegister = (role: string) => role === "admin" || role === "instructor";

  async function adminPage(req: Parameters<Parameters<typeof router.get>[1]>[0], res: Response, extra: Record<string, unknown> = {}, status = 200) {
    const origin = publicOrigin(config, req);
    const platforms = await selectPlatforms(db);
    res.status(status).render("admin/lti", {
      title: "LMS platforms",
      urls: toolUrls(origin),
      canvasJson: JSON.stringify(canvasConfig(origin), null, 2),
      platforms,
      ...extra,
    });
  }

  router.get("/admin/lti", async (req, res) => {
    if (!mayAdminister(currentUser(req).role)) throw notFound();
    await adminPage(req, res);
  });

  router.post("/admin/lti/platforms", async (req, res) => {
    if (!mayAdminister(currentUser(req).role)) throw notFound();
    const b = req.body ?? {};
    const parsed = platformSchema.safeParse({
      issuer: b.issuer,
      clientId: b.clientId,
      authUrl: b.authUrl,
      tokenUrl: b.tokenUrl,
      jwksUrl: b.jwksUrl,
      name: b.name ?? "",
      deployments: String(b.deployments ?? "").split(/[\s,]+/).filter(Boolean),
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      await adminPage(req, res, { error: `${String(issue.path[0] ?? "form")}: ${issue.message}`, form: b }, 400);
      return;
    }
    const out = await registerPlatform(db, parsed.data, publicOrigin(config, req));
    forgetFrameAncestors();
    await adminPage(req, res, { notice: `Platform ${out.platformId} saved.` });
  });

  /**
   * LTI Dynamic Registration: the LMS administrator opens this URL (Moodle: "Register by URL";
   * Canvas: "LTI Registration"); a Likely administrator or instructor must be signed in.
   */
  router.get("/lti/register", async (req, res) => {
    if (!mayRegister(currentUser(req).role)) throw new HttpError(403, "Only a Likely administrator or instructor can register an LMS. Sign in with such an account and open the registration link again.");
    const conf = req.query.openid_configuration;
    const token = typeof req.query.registration_token === "string" ? req.query.registration_token : undefined;
    if (typeof conf !== "string" || !conf) throw new HttpError(400, "openid_configuration: expected the platform's configuration URL in the query");
    try {
      const out = await registerDynamically(db, publicOrigin(config, req), conf, token);
      forgetFrameAncestors();
      res.render("lti/registered", { title: "LMS registered", platform: out.platform, deploymentId: out.deploymentId, scripts: ["/static/js/lti-close.js"], bodyClass: "lti-framed" });
    } catch (err) {
      if (err instanceof RegistrationError) throw new HttpError(400, `The LMS could not be registered: ${err.message}`);
      throw err;
    }
  });

  return router;
}
