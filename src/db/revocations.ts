import type { Db } from "./client";
import { busFor } from "./notify-bus";

/**
 * When each user's sessions and tokens were last revoked, so the process-local cache of verified
 * tokens (src/web/middleware/bearer.ts) can tell at once that an entry it holds is stale. Revoking
 * functions in src/db call `announce` after their COMMIT, before the caller answers.
 *
 * Only one process can know this at once. When several share the database (PostgreSQL), another
 * process's revocation would reach this one by NOTIFY, which can arrive after the next request: CI
 * saw a token revoked through one process answer 200 from the other. There nothing is cached
 * (`cacheable` is false), and every request reads its token's row.
 */
export type Revocations = {
  /** False on a shared database: no cache may hold a verified credential there. */
  readonly cacheable: boolean;
  /** Records that every credential of `userId` checked at or before `at` must be checked again. */
  announce(userId: number, at?: number): void;
  /** Is a cache entry for `userId` verified at `checkedAt` still usable? */
  isFresh(userId: number, checkedAt: number): boolean;
};

/** Older announcements cannot concern a cache entry any more: entries live at most this long. */
const KEEP_MS = 5 * 60_000;

function createRevocations(db: Db): Revocations {
  const revokedAt = new Map<number, number>();
  return {
    cacheable: !busFor(db).shared,
    announce(userId, at = Date.now()) {
      revokedAt.set(userId, Math.max(at, revokedAt.get(userId) ?? 0));
      if (revokedAt.size > 1000) {
        for (const [id, t] of revokedAt) if (t < at - KEEP_MS) revokedAt.delete(id);
      }
    },
    isFresh(userId, checkedAt) {
      const at = revokedAt.get(userId);
      // `>`: a check in the same millisecond as the revocation may have read the old row.
      return at === undefined || checkedAt > at;
    },
  };
}

const byDb = new WeakMap<Db, Revocations>();

/** The revocation record of this database (one per client, so test suites never share one). */
export function revocationsOf(db: Db): Revocations {
  let r = byDb.get(db);
  if (!r) byDb.set(db, (r = createRevocations(db)));
  return r;
}
