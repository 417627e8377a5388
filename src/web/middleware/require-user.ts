import type { NextFunction, Request, Response } from "express";
import type { PublicUser } from "../../db/users";

/** Pages that need a signed-in user send anonymous visitors to the sign-in page and back. */
export function requireUser(req: Request, res: Response, next: NextFunction): void {
  if (req.user) return next();
  res.redirect(303, "/signin?next=" + encodeURIComponent(req.originalUrl));
}

/** The signed-in user of a request that passed requireUser / requireBearer. */
export function currentUser(req: Request): PublicUser {
  if (!req.user) throw new Error("currentUser() used on a route without requireUser");
  return req.user;
}
