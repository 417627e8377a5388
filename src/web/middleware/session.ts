import type { NextFunction, Request, Response } from "express";
import { hmac, randomToken, safeEqual } from "../../auth/secrets";
import { runAsActor } from "../../db/actor";
import type { Db } from "../../db/client";
import { deleteSession, insertSession, selectOptionalSessionUser, SESSION_LIFETIME_MS } from "../../db/sessions";
import { HttpError } from "../../http-error";

export const SESSION_COOKIE = "likely_sid";
export const CSRF_COOKIE = "likely_csrf";

type Options = { db: Db; secret: string; secureCookies: boolean };

function cookieOptions(o: Options, maxAge?: number) {
  return { httpOnly: true, sameSite: "lax" as const, secure: o.secureCookies, path: "/", maxAge };
}

/** A session started inside an LMS iframe (LTI launch): sent cross-site, partitioned by the top-level site (CHIPS). */
function framedCookieOptions(maxAge?: number) {
  return { httpOnly: true, sameSite: "none" as const, secure: true, partitioned: true, path: "/", maxAge };
}

/** Stored form of a session id: a keyed hash, so neither a database dump nor the secret alone yields a session. */
function sessionHash(o: Options, sid: string): string {
  return hmac(o.secret, "session:" + sid);
}

/**
 * Cookie sessions for the pages: loads `req.user`, and sets `res.locals.csrfToken` for forms.
 * Signed in, the CSRF token is the session's own random token (synchronizer pattern); before
 * sign-in it is an HMAC of a per-browser cookie (double submit), so the sign-in form is covered too.
 */
export function sessions(o: Options) {
  return async function loadSession(req: Request, res: Response, next: NextFunction): Promise<void> {
    const sid: unknown = req.cookies?.[SESSION_COOKIE];
    if (typeof sid === "string" && sid.length > 0 && sid.length < 200) {
      const hash = sessionHash(o, sid);
      const found = await selectOptionalSessionUser(o.db, hash);
      if (found) {
        req.user = found.user;
        req.sessionHash = hash;
        res.locals.csrfToken = found.csrfToken;
      }
    }
    if (!req.user) {
      let browser: unknown = req.cookies?.[CSRF_COOKIE];
      if (typeof browser !== "string" || browser.length !== 43) {
        browser = randomToken();
        res.cookie(CSRF_COOKIE, browser, cookieOptions(o));
      }
      res.locals.csrfToken = hmac(o.secret, "anon:" + String(browser));
    }
    res.locals.user = req.user;
    if (req.user) return runAsActor(req.user, next);
    next();
  };
}

/** Refuses unsafe requests whose form field `_csrf` (or header `x-csrf-token`) is not this browser's token. */
export function csrfProtection(req: Request, res: Response, next: NextFunction): void {
  if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return next();
  const sent: unknown = req.body?._csrf ?? req.get("x-csrf-token");
  const expected = res.locals.csrfToken as string | undefined;
  if (typeof sent !== "string" || !expected || !safeEqual(sent, expected)) {
    return next(new HttpError(403, "This form has expired or did not come from Likely. Reload the page and try again."));
  }
  next();
}

/** Starts a fresh session (a new id every sign-in, so a planted cookie is useless) and drops the old one. */
export async function startSession(o: Options, req: Request, res: Response, userId: number, framed = false): Promise<void> {
  if (req.sessionHash) await deleteSession(o.db, req.sessionHash);
  const sid = randomToken();
  await insertSession(o.db, sessionHash(o, sid), userId, randomToken());
  res.cookie(SESSION_COOKIE, sid, framed ? framedCookieOptions(SESSION_LIFETIME_MS) : cookieOptions(o, SESSION_LIFETIME_MS));
  res.clearCookie(CSRF_COOKIE, cookieOptions(o));
}

/** The stored hash of a session id (LTI hands a one-time session id to a new window when a frame's cookies are blocked). */
export function sessionIdHash(o: Options, sid: string): string {
  return sessionHash(o, sid);
}

export async function endSession(o: Options, req: Request, res: Response): Promise<void> {
  if (req.sessionHash) await deleteSession(o.db, req.sessionHash);
  res.clearCookie(SESSION_COOKIE, cookieOptions(o));
  if (req.secure || req.hostname === "localhost") res.clearCookie(SESSION_COOKIE, framedCookieOptions());
}
