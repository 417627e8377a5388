import type { Request, Response } from "express";
import { ipKeyGenerator, rateLimit, type IncrementResponse, type Options, type Store } from "express-rate-limit";
import { sharedByProcesses, type Db } from "../../db/client";
import { HttpError } from "../../http-error";
import { DbRateLimitState, MemoryRateLimitState, type RateLimitState } from "../../rate-limits/state";

/**
 * One limit state per server (its database): the API and the pages count against the same
 * windows, so a limit holds per account and address whatever the door. On PostgreSQL the windows
 * live in the database, shared by every process; SQLite runs one process, whose memory is exact
 * and costs no commit (a database hit is an fsync per submission under synchronous=FULL).
 */
const states = new WeakMap<Db, RateLimitState>();

export function rateLimitStateFor(db: Db): RateLimitState {
  let state = states.get(db);
  if (!state) {
    state = sharedByProcesses(db) ? new DbRateLimitState(db) : new MemoryRateLimitState();
    states.set(db, state);
  }
  return state;
}

/** express-rate-limit's store interface over a RateLimitState, its keys under one prefix per kind of limit. */
class StateStore implements Store {
  #windowMs = 60_000;
  readonly localKeys: boolean;
  constructor(
    private readonly state: RateLimitState,
    readonly prefix: string,
  ) {
    this.localKeys = state.local;
  }
  init(options: Options): void {
    this.#windowMs = options.windowMs;
  }
  async increment(key: string): Promise<IncrementResponse> {
    const { hits, resetAt } = await this.state.hit(this.prefix + key, this.#windowMs);
    return { totalHits: hits, resetTime: resetAt };
  }
  decrement(key: string): Promise<void> {
    return this.state.undo(this.prefix + key);
  }
  resetKey(key: string): Promise<void> {
    return this.state.reset(this.prefix + key);
  }
}

function emailOf(req: Request): string {
  const email: unknown = req.body?.email;
  return typeof email === "string" ? email.trim().toLowerCase().slice(0, 254) : "";
}

/** 5 failed requests a minute per key, API and pages together; the 6th is refused with 429 and `message`. Successes do not count. */
function failureLimiter(db: Db, prefix: string, key: (req: Request) => string, message: string) {
  return rateLimit({
    windowMs: 60_000,
    limit: 5,
    skipSuccessfulRequests: true,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    store: new StateStore(rateLimitStateFor(db), prefix),
    keyGenerator: key,
    handler: (_req: Request, _res: Response, next) => {
      next(new HttpError(429, message));
    },
  });
}

/**
 * Sign-in attempts (POST /api/v1/tokens and the sign-in page together): 5 failures a minute per
 * account and address; the 6th is refused (429). Successful sign-ins do not count, so a class
 * behind one NAT address is not locked out.
 */
export function loginLimiter(db: Db) {
  return failureLimiter(db, "signin:", (req) => `${ipKeyGenerator(req.ip ?? "")}|${emailOf(req)}`, "Too many sign-in attempts for this account. Wait a minute and try again.");
}

/** Password changes (API and page together): 5 wrong current passwords a minute per user (a stolen session cannot guess it). */
export function passwordChangeLimiter(db: Db) {
  return failureLimiter(db, "password:", (req) => `user:${req.user?.id ?? ipKeyGenerator(req.ip ?? "")}`, "Too many password change attempts. Wait a minute and try again.");
}

/** Graded submissions per user per minute, API and pages together (LIKELY_SUBMIT_LIMIT_PER_MINUTE; 0 = off). */
export function submitLimiter(db: Db, perMinute: number) {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    skip: () => perMinute === 0,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    store: new StateStore(rateLimitStateFor(db), "submit:"),
    keyGenerator: (req: Request) => `user:${req.user?.id ?? ipKeyGenerator(req.ip ?? "")}`,
    handler: (_req: Request, _res: Response, next) => {
      next(new HttpError(429, `Too many submissions: at most ${perMinute} a minute. Wait a moment and try again.`));
    },
  });
}

/** Wrong join codes a user may try per minute, over the course join page and both quiz join doors together. */
export const JOIN_FAILURES_PER_MINUTE = 10;

/**
 * Join codes are short (6 characters): unlimited guessing would find other courses' codes. Failed
 * joins (4xx) count per user across every door; a successful join does not count.
 */
export function joinLimiter(db: Db) {
  return rateLimit({
    windowMs: 60_000,
    limit: JOIN_FAILURES_PER_MINUTE,
    skipSuccessfulRequests: true,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    store: new StateStore(rateLimitStateFor(db), "join:"),
    keyGenerator: (req: Request) => `user:${req.user?.id ?? ipKeyGenerator(req.ip ?? "")}`,
    handler: (_req: Request, _res: Response, next) => {
      next(new HttpError(429, "Too many wrong join codes. Wait a minute, then check the code with your instructor."));
    },
  });
}
