import type { NextFunction, Request, Response } from "express";
import { sha256 } from "../../auth/secrets";
import type { Db } from "../../db/client";
import { selectOptionalTokenUser } from "../../db/sessions";
import { HttpError } from "../../http-error";

/** API authentication: `Authorization: Bearer TOKEN` only; cookies are ignored, so no CSRF exists. */
export function requireBearer(db: Db) {
  return async function bearer(req: Request, _res: Response, next: NextFunction): Promise<void> {
    const header = req.get("authorization") ?? "";
    const match = /^Bearer ([A-Za-z0-9_-]{20,200})$/.exec(header);
    if (!match) throw new HttpError(401, "missing or malformed Authorization header: expected \"Bearer TOKEN\" from POST /api/v1/tokens");
    const user = await selectOptionalTokenUser(db, sha256(match[1]!));
    if (!user) throw new HttpError(401, "token is invalid or expired: request a new one from POST /api/v1/tokens");
    req.user = user;
    next();
  };
}
