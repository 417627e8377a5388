import type { Request, Response } from "express";
import { ipKeyGenerator, rateLimit } from "express-rate-limit";
import { HttpError } from "../../http-error";

function emailOf(req: Request): string {
  const email: unknown = req.body?.email;
  return typeof email === "string" ? email.trim().toLowerCase().slice(0, 200) : "";
}

/** 5 failed requests a minute per key; the 6th is refused with 429 and `message`. Successes do not count. */
function failureLimiter(key: (req: Request) => string, message: string) {
  return rateLimit({
    windowMs: 60_000,
    limit: 5,
    skipSuccessfulRequests: true,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    keyGenerator: key,
    handler: (_req: Request, _res: Response, next) => {
      next(new HttpError(429, message));
    },
  });
}

/**
 * Sign-in attempts: 5 failures a minute per account and address; the 6th is refused (429).
 * Successful sign-ins do not count, so a class behind one NAT address is not locked out.
 */
export function loginLimiter() {
  return failureLimiter((req) => `${ipKeyGenerator(req.ip ?? "")}|${emailOf(req)}`, "Too many sign-in attempts for this account. Wait a minute and try again.");
}

/** Password changes: 5 wrong current passwords a minute per user (a stolen session cannot guess it). */
export function passwordChangeLimiter() {
  return failureLimiter((req) => `user:${req.user?.id ?? ipKeyGenerator(req.ip ?? "")}`, "Too many password change attempts. Wait a minute and try again.");
}

/** Graded submissions per user per minute (LIKELY_SUBMIT_LIMIT_PER_MINUTE; 0 = off). */
export function submitLimiter(perMinute: number) {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    skip: () => perMinute === 0,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    keyGenerator: (req: Request) => `user:${req.user?.id ?? ipKeyGenerator(req.ip ?? "")}`,
    handler: (_req: Request, _res: Response, next) => {
      next(new HttpError(429, `Too many submissions: at most ${perMinute} a minute. Wait a moment and try again.`));
    },
  });
}
