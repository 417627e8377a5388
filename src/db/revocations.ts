import type { Db } from "./client";

/**
 * When each user's sessions and tokens were last revoked, per database and per process, so a
 * process-local cache of verified tokens (src/web/middleware/bearer.ts) can tell at once that an
 * entry it holds is stale. Revoking functions in src/db call `announceRevocation` after their
 * COMMIT. Across processes (PostgreSQL), a LISTEN handler calls `announceRevocation` with the
 * NOTIFY payload's user id; nothing else changes.
 */
export type Revocations = {
  /** Records that every credential of `userId` checked at or before `at` must be checked again. */
  announce(userId: number, at?: number): void;
  /** Is a cache entry for `userId` verified at `checkedAt` still usable? */
  isFresh(userId: number, checkedAt: number): boolean;
  /** Called with every announcement (e.g. to forward it to other processes). */
  subscribe(listener: (userId: number, at: number) => void): () => void;
};

/** Older announcements cannot concern a cache entry any more: entries live at most this long. */
const KEEP_MS = 5 * 60_000;

function createRevocations(): Revocations {
  const revokedAt = new Map<number, number>();
  const listeners = new Set<(userId: number, at: number) => void>();
  return {
    announce(userId, at = Date.now()) {
      revokedAt.set(userId, Math.max(at, revokedAt.get(userId) ?? 0));
      if (revokedAt.size > 1000) {
        for (const [id, t] of revokedAt) if (t < at - KEEP_MS) revokedAt.delete(id);
      }
      for (const l of listeners) l(userId, at);
    },
    isFresh(userId, checkedAt) {
      const at = revokedAt.get(userId);
      // `>`: a check in the same millisecond as the revocation may have read the old row.
      return at === undefined || checkedAt > at;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

const byDb = new WeakMap<Db, Revocations>();

/** The revocation record of this database (one per client, so test suites never share one). */
export function revocationsOf(db: Db): Revocations {
  let r = byDb.get(db);
  if (!r) byDb.set(db, (r = createRevocations()));
  return r;
}
