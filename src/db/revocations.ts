import type { Db } from "./client";
import { busFor } from "./notify-bus";

/**
 * When each user's sessions and tokens were last revoked, per database, so a process-local cache of
 * verified tokens (src/web/middleware/bearer.ts) can tell at once that an entry it holds is stale.
 * Revoking functions in src/db await `announce` after their COMMIT; it also tells every other
 * process of the database (src/db/notify-bus.ts), which record the revocation at the moment they
 * hear it (their own clock: an entry checked before then may have read the old row).
 */
export type Revocations = {
  /** Records that every credential of `userId` checked at or before `at` must be checked again, here and in every other process. */
  announce(userId: number, at?: number): Promise<void>;
  /** Is a cache entry for `userId` verified at `checkedAt` still usable? Never while other processes' news may be missed. */
  isFresh(userId: number, checkedAt: number): boolean;
};

/** Older announcements cannot concern a cache entry any more: entries live at most this long. */
const KEEP_MS = 5 * 60_000;

/** While the news bus was disconnected, revocations may have been missed: nothing cached before the resync is trusted. */
const EVERYONE = -1;

function createRevocations(db: Db): Revocations {
  const revokedAt = new Map<number, number>();
  const record = (userId: number, at: number) => {
    revokedAt.set(userId, Math.max(at, revokedAt.get(userId) ?? 0));
    if (revokedAt.size > 1000) {
      for (const [id, t] of revokedAt) if (t < at - KEEP_MS) revokedAt.delete(id);
    }
  };
  const bus = busFor(db);
  bus.subscribe("revoke", (data, fromThisProcess) => {
    const userId = (data as { userId?: unknown }).userId;
    if (!fromThisProcess && typeof userId === "number") record(userId, Date.now());
  });
  bus.onResync(() => record(EVERYONE, Date.now()));
  return {
    async announce(userId, at = Date.now()) {
      record(userId, at);
      if (bus.shared) await bus.publish("revoke", { userId });
    },
    isFresh(userId, checkedAt) {
      if (!bus.listening) return false;
      const at = revokedAt.get(userId);
      const all = revokedAt.get(EVERYONE);
      // `>`: a check in the same millisecond as the revocation may have read the old row.
      return (at === undefined || checkedAt > at) && (all === undefined || checkedAt > all);
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
