import { Router, type Request, type Response } from "express";
import type { Config } from "../../config";
import type { Db } from "../../db/client";
import { consumeShortSession, deleteSession } from "../../db/sessions";
import { insertShortSession } from "../../db/sessions";
import { randomToken } from "../../auth/secrets";
import { HttpError } from "../../http-error";
import { publicJwks } from "../../lti/keys";
import { LaunchError } from "../../lti/launch-token";
import { beginLogin, completeLaunch, type LaunchOutcome } from "../../lti/launch-service";
import { canvasConfig } from "../../lti/canvas-config";
import { seal } from "../../lti/sealed";
import { toolUrls } from "../../lti/urls";
import type { DeepLinkContext } from "../../lti/deep-link";
import { sessionIdHash, startSession } from "../middleware/session";

type SessionOptions = { db: Db; secret: string; secureCookies: boolean };

/** The origin the tool is reached at: LIKELY_PUBLIC_URL, or this request's. */
export function publicOrigin(config: Config, req: Request): string {
  return config.publicUrl ? new URL(config.publicUrl).origin : `${req.protocol}://${req.get("host")}`;
}

/** Cookies can cross into an LMS frame only as `Secure` (https, or http://localhost which browsers treat as secure). */
function canFrameCookies(req: Request): boolean {
  return req.secure || req.hostname === "localhost";
}

function refuse(res: Response, err: LaunchError): void {
  res.status(err.status).render("lti/refused", { title: "LMS launch refused", status: err.status, message: err.message, bodyClass: "lti-framed" });
}

/** A one-time sign-in code for a new window, when the LMS frame's cookies are blocked. */
const RESUME_MS = 5 * 60 * 1000;

/**
 * The LTI 1.3 protocol endpoints the LMS calls: key set, Canvas configuration, OIDC login and the
 * launch. Mounted before CSRF protection: login and launch are cross-site form posts whose
 * integrity comes from the signed id_token and the single-use server-side state.
 */
export function ltiProtocolRoutes(o: SessionOptions, config: Config): Router {
  const router = Router();
  const db = o.db;

  router.get("/.well-known/jwks.json", async (_req, res) => {
    res.set("Cache-Control", "public, max-age=300");
    res.json(await publicJwks(db, config.sessionSecret));
  });

  router.get("/lti/config.json", (req, res) => {
    res.json(canvasConfig(publicOrigin(config, req)));
  });

  const login = async (req: Request, res: Response) => {
    const input = req.method === "POST" ? (req.body ?? {}) : req.query;
    const origin = publicOrigin(config, req);
    try {
      res.redirect(302, await beginLogin(db, input, toolUrls(origin).launchUrl, [origin]));
    } catch (err) {
      if (err instanceof LaunchError) return refuse(res, err);
      throw err;
    }
  };
  router.get("/lti/login", login);
  router.post("/lti/login", login);

  router.post("/lti/launch", async (req, res) => {
    let outcome: LaunchOutcome;
    try {
      outcome = await completeLaunch(db, req.body ?? {}, [publicOrigin(config, req)], config.sessionSecret);
    } catch (err) {
      if (err instanceof LaunchError) return refuse(res, err);
      throw err;
    }
    const framed = canFrameCookies(req);
    await startSession(o, req, res, outcome.userId, framed);
    let next: string;
    if (outcome.launch.messageType === "LtiDeepLinkingRequest") {
      const dl = outcome.launch.deepLinking!;
      const ctx: DeepLinkContext = {
        userId: outcome.userId,
        courseId: outcome.courseId,
        platformId: outcome.launch.platform.id,
        deploymentId: outcome.launch.deploymentId,
        returnUrl: dl.returnUrl,
        data: dl.data,
        acceptMultiple: dl.acceptMultiple,
        acceptLineItem: dl.acceptLineItem,
      };
      next = `/lti/deep-link?ctx=${encodeURIComponent(seal(config.sessionSecret, "deep-link", ctx, 60 * 60 * 1000))}`;
    } else if (outcome.assignmentId !== null) {
      next = `/assignments/${outcome.assignmentId}`;
    } else {
      next = outcome.role === "instructor" ? `/courses/${outcome.courseId}` : "/assignments";
    }
    // A second, short-lived session for the "open in a new window" way out when the frame's cookie is blocked.
    const resume = randomToken();
    await insertShortSession(db, sessionIdHash(o, resume), outcome.userId, randomToken(), RESUME_MS);
    res.redirect(303, `/lti/continue?next=${encodeURIComponent(next)}&resume=${encodeURIComponent(resume)}`);
  });

  /** Signed in (the cookie made it): on to the page. Otherwise the way out into a new window. */
  router.get("/lti/continue", async (req, res) => {
    const next = typeof req.query.next === "string" && /^\/(?![/\\])/.test(req.query.next) ? req.query.next : "/";
    const resume = typeof req.query.resume === "string" && req.query.resume.length < 200 ? req.query.resume : "";
    if (req.user) {
      if (resume) await deleteSession(db, sessionIdHash(o, resume)); // not needed: the frame's cookie works
      return res.redirect(303, next);
    }
    res.status(200).render("lti/continue", { title: "Open Likely", href: `/lti/resume?code=${encodeURIComponent(resume)}&next=${encodeURIComponent(next)}`, bodyClass: "lti-framed" });
  });

  /** In the new (first-party) window: the one-time code becomes a normal session. */
  router.get("/lti/resume", async (req, res) => {
    const code = typeof req.query.code === "string" && req.query.code.length < 200 ? req.query.code : "";
    const next = typeof req.query.next === "string" && /^\/(?![/\\])/.test(req.query.next) ? req.query.next : "/";
    const userId = code ? await consumeShortSession(db, sessionIdHash(o, code)) : null;
    if (!userId) throw new HttpError(400, "This sign-in link was already used or has expired. Open Likely again from your LMS.");
    await startSession(o, req, res, userId);
    res.redirect(303, next);
  });

  return router;
}
