import type { NextFunction, Request, Response } from "express";
import { sha256 } from "../../auth/secrets";
import { runAsActor } from "../../db/actor";
import type { Db } from "../../db/client";
import { revocationsOf } from "../../db/revocations";
import { selectOptionalTokenUser } from "../../db/sessions";
import type { PublicUser } from "../../db/users";
import { HttpError } from "../../http-error";

/**
 * Recently verified tokens, so a class's burst of submissions does not pay a database lookup per
 * request (it was ~45% of the server's CPU under load). An entry lives at most TOKEN_CACHE_MS and
 * never past the token's own expiry, and is used only while no revocation of its user was announced
 * after it was checked (src/db/revocations.ts): a revoked token is refused on the very next request.
 * On a shared database (PostgreSQL, several processes) nothing is cached (`revocations.cacheable`).
 */
const TOKEN_CACHE_MS = 30_000;
const TOKEN_CACHE_MAX = 10_000;

type Cached = { user: PublicUser; until: number; checkedAt: number };

/** API authentication: `Authorization: Bearer TOKEN` only; cookies are ignored, so no CSRF exists. */
export function requireBearer(db: Db) {
  const cache = new Map<string, Cached>();
  const revocations = revocationsOf(db);
  return async function bearer(req: Request, _res: Response, next: NextFunction): Promise<void> {
    const header = req.get("authorization") ?? "";
    const match = /^Bearer ([A-Za-z0-9_-]{20,200})$/.exec(header);
    if (!match) throw new HttpError(401, "missing or malformed Authorization header: expected \"Bearer TOKEN\" from POST /api/v1/tokens");
    const hash = sha256(match[1]!);
    const now = Date.now();
    req.tokenHash = hash;
    const hit = cache.get(hash);
    if (hit && hit.until > now && revocations.isFresh(hit.user.id, hit.checkedAt)) {
      req.user = hit.user;
      return runAsActor(hit.user, next);
    }
    // Taken before the lookup: a revocation committed while it runs makes the entry stale.
    const checkedAt = Date.now();
    const found = await selectOptionalTokenUser(db, hash);
    if (!found) {
      cache.delete(hash);
      throw new HttpError(401, "token is invalid or expired: request a new one from POST /api/v1/tokens");
    }
    if (revocations.cacheable) {
      if (cache.size >= TOKEN_CACHE_MAX) cache.delete(cache.keys().next().value!); // oldest first
      cache.set(hash, { user: found.user, until: Math.min(now + TOKEN_CACHE_MS, found.expiresAt.getTime()), checkedAt });
    }
    req.user = found.user;
    runAsActor(found.user, next);
  };
}
