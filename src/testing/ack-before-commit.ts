/**
 * NEGATIVE CONTROL FOR THE CRASH HARNESS ONLY (bench/crash-trials.ts, test/reliability/).
 *
 * With LIKELY_UNSAFE_ACK_BEFORE_COMMIT=1 a submission's transaction hands its result back (so the
 * 201 is sent) before it commits, and the commit is then held back HOLD_MS milliseconds: a SIGKILL
 * in that window loses a submission the client was told is stored. The crash harness must catch
 * that, which shows it can fail. Without the variable `ackBeforeCommit(db)` returns `db` itself.
 *
 * Refused with NODE_ENV=production: the server stops at start-up with a configuration error.
 */
import { ConfigError } from "../config";
import type { Db } from "../db/client";

export const UNSAFE_ACK_FLAG = "LIKELY_UNSAFE_ACK_BEFORE_COMMIT";
/** How long an acknowledged transaction stays uncommitted: long enough that a SIGKILL sent just after a 201 lands in it on either database, even on a loaded machine (30 ms sometimes missed on PostgreSQL). */
export const HOLD_MS = 200;

/** Whether the negative control is asked for; a ConfigError in production or for a value other than 0 or 1. */
export function unsafeAckBeforeCommitRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env[UNSAFE_ACK_FLAG];
  if (value === undefined || value === "" || value === "0") return false;
  if (value !== "1") throw new ConfigError(`${UNSAFE_ACK_FLAG} must be 0 or 1 (got ${JSON.stringify(value)})`);
  if (env.NODE_ENV === "production") {
    throw new ConfigError(`${UNSAFE_ACK_FLAG}=1 acknowledges submissions before they are stored (a test-only negative control) and is refused when NODE_ENV=production`);
  }
  return true;
}

// Read once, when the submission code is loaded (before the server listens).
const enabled: boolean = (() => {
  try {
    return unsafeAckBeforeCommitRequested();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`likely: configuration error: ${err.message}`);
    process.exit(2);
  }
})();

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const wrapped = new WeakMap<Db, Db>();

/** `db` itself; only under the negative control a view of it whose interactive transactions acknowledge before commit. */
export function ackBeforeCommit(db: Db): Db {
  if (!enabled || process.env.NODE_ENV === "production") return db;
  let view = wrapped.get(db);
  if (!view) {
    view = holdCommits(db);
    wrapped.set(db, view);
  }
  return view;
}

function holdCommits(db: Db): Db {
  const transaction = (fn: unknown, options?: unknown): Promise<unknown> => {
    const real = db.$transaction as (fn: unknown, options?: unknown) => Promise<unknown>;
    if (typeof fn !== "function") return real.call(db, fn, options);
    return new Promise((resolve, reject) => {
      let acknowledged = false;
      real
        .call(
          db,
          async (tx: unknown) => {
            const result: unknown = await (fn as (tx: unknown) => Promise<unknown>)(tx);
            acknowledged = true;
            resolve(result); // the caller answers 201 now...
            await sleep(HOLD_MS); // ...while COMMIT waits
            return result;
          },
          options,
        )
        .catch((err: unknown) => {
          if (!acknowledged) reject(err);
          else console.error(`${UNSAFE_ACK_FLAG}: an acknowledged transaction failed to commit: ${String(err)}`);
        });
    });
  };
  return new Proxy(db, {
    get(target, prop) {
      if (prop === "$transaction") return transaction;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === "function" && typeof prop === "string" && prop.startsWith("$") ? value.bind(target) : value;
    },
  });
}
