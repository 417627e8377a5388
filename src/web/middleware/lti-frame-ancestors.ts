import type { NextFunction, Request, Response } from "express";
import type { Db } from "../../db/client";
import { selectPlatforms } from "../../db/lti";

/**
 * Registered LMS platforms may frame Likely (launch pages and what follows in the frame), nobody
 * else: `frame-ancestors 'self'` plus their origins. Canvas's issuer is canvas.instructure.com for
 * every school, whose pages are on <school>.instructure.com, hence the wildcard for it.
 */
let cached: { origins: string[]; at: number } | null = null;
const CACHE_MS = 30_000;

export function forgetFrameAncestors(): void {
  cached = null;
}

/** The cached origins while they are fresh. */
function freshOrigins(): string[] | undefined {
  return cached && Date.now() - cached.at < CACHE_MS ? cached.origins : undefined;
}

async function platformOrigins(db: Db): Promise<string[]> {
  const fresh = freshOrigins();
  if (fresh) return fresh;
  const origins = new Set<string>();
  for (const p of await selectPlatforms(db)) {
    for (const u of [p.issuer, p.authUrl]) {
      try {
        origins.add(new URL(u).origin);
      } catch {
        /* stored URLs were validated; skip anything odd */
      }
    }
    if (new URL(p.issuer).host === "canvas.instructure.com") origins.add("https://*.instructure.com");
  }
  cached = { origins: [...origins], at: Date.now() };
  return cached.origins;
}

function allowFraming(res: Response, origins: string[]): void {
  if (origins.length === 0) return;
  const csp = res.getHeader("Content-Security-Policy");
  if (typeof csp === "string") {
    res.setHeader("Content-Security-Policy", csp.replace(/frame-ancestors [^;]*/, `frame-ancestors 'self' ${origins.join(" ")}`));
    res.removeHeader("X-Frame-Options"); // superseded by frame-ancestors, and it cannot name other origins
  }
}

export function ltiFrameAncestors(db: Db) {
  return function frameAncestors(_req: Request, res: Response, next: NextFunction): void | Promise<void> {
    // Every request passes here: a fresh cached list is used at once, without a promise and a turn of the microtask queue.
    const fresh = freshOrigins();
    if (fresh) {
      allowFraming(res, fresh);
      return next();
    }
    return platformOrigins(db).then((origins) => {
      allowFraming(res, origins);
      next();
    });
  };
}
