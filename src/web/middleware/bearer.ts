import type { NextFunction, Request, Response } from "express";
import { sha256 } from "../../auth/secrets";
import type { Db } from "../../db/client";
import { selectOptionalTokenUser } from "../../db/sessions";
import type { PublicUser } from "../../db/users";
import { HttpError } from "../../http-error";

/**
 * Recently verified tokens, so a class's burst of submissions does not pay a database lookup per
 * request (it was ~45% of the server's CPU under load). An entry lives at most TOKEN_CACHE_MS and
 * never past the token's own expiry; tokens are never revoked early, so nothing else can go stale.
 */
const TOKEN_CACHE_MS = 30_000;
const TOKEN_CACHE_MAX = 10_000;

type Cached = { user: PublicUser; until: number };

/** API authentication: `Authorization: Bearer TOKEN` only; cookies are ignored, so no CSRF exists. */
export function requireBearer(db: Db) {
  const cache = new Map<string, Cached>();
  return async function bearer(req: Request, _res: Response, next: NextFunction): Promise<void> {
    const header = req.get("authorization") ?? "";
    const match = /^Bearer ([A-Za-z0-9_-]{20,200})$/.exec(header);
    if (!match) throw new HttpError(401, "missing or malformed Authorization header: expected \"Bearer TOKEN\" from POST /api/v1/tokens");
    const hash = sha256(match[1]!);
    const now = Date.now();
    const hit = cache.get(hash);
    if (hit && hit.until > now) {
      req.user = hit.user;
      return next();
    }
    const found = await selectOptionalTokenUser(db, hash);
    if (!found) throw new HttpError(401, "token is invalid or expired: request a new one from POST /api/v1/tokens");
    if (cache.size >= TOKEN_CACHE_MAX) cache.delete(cache.keys().next().value!); // oldest first
    cache.set(hash, { user: found.user, until: Math.min(now + TOKEN_CACHE_MS, found.expiresAt.getTime()) });
    req.user = found.user;
    next();
  };
}
