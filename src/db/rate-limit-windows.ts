import { Prisma } from "../generated/prisma/client";
import { dialectOf, type Db } from "./client";

/**
 * Fixed-window hit counters in the database, so every server process counts against the same
 * window. Each step is one conditional statement (atomic on SQLite and PostgreSQL alike), so
 * concurrent hits from several processes are all counted.
 */

/** Counts one hit for `key`: +1 in a running window, or a new window of `windowMs` from `now`. */
export async function hitRateLimitWindow(db: Db, key: string, windowMs: number, now: Date): Promise<{ hits: number; resetAt: Date }> {
  if (dialectOf(db) === "postgresql") return hitOnPostgres(db, key, new Date(now.getTime() + windowMs), now);
  for (;;) {
    const running = await db.rateLimitWindow.updateMany({ where: { key, resetAt: { gt: now } }, data: { hits: { increment: 1 } } });
    if (running.count === 1) {
      const row = await db.rateLimitWindow.findUnique({ where: { key }, select: { hits: true, resetAt: true } });
      // Deleted meanwhile by a reset: count this hit in a new window.
      if (row) return row;
      continue;
    }
    const resetAt = new Date(now.getTime() + windowMs);
    const restarted = await db.rateLimitWindow.updateMany({ where: { key, resetAt: { lte: now } }, data: { hits: 1, resetAt } });
    if (restarted.count === 1) return { hits: 1, resetAt };
    try {
      await db.rateLimitWindow.create({ data: { key, hits: 1, resetAt } });
      return { hits: 1, resetAt };
    } catch (err) {
      // Another process created the window first: count in it.
      if (!(err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002")) throw err;
    }
  }
}

/**
 * PostgreSQL: the same rule in one statement (one round trip; the row lock of ON CONFLICT orders
 * concurrent hits from every process), since every sign-in, join and submission takes a hit.
 */
async function hitOnPostgres(db: Db, key: string, resetAt: Date, now: Date): Promise<{ hits: number; resetAt: Date }> {
  const rows = await db.$queryRaw<{ hits: number; resetAt: Date }[]>`
    INSERT INTO "RateLimitWindow" ("key", "hits", "resetAt") VALUES (${key}, 1, CAST(${resetAt} AS TIMESTAMP(3)))
    ON CONFLICT ("key") DO UPDATE SET
      "hits" = CASE WHEN "RateLimitWindow"."resetAt" <= CAST(${now} AS TIMESTAMP(3)) THEN 1 ELSE "RateLimitWindow"."hits" + 1 END,
      "resetAt" = CASE WHEN "RateLimitWindow"."resetAt" <= CAST(${now} AS TIMESTAMP(3)) THEN EXCLUDED."resetAt" ELSE "RateLimitWindow"."resetAt" END
    RETURNING "hits", "resetAt"`;
  const row = rows[0]!;
  return { hits: Number(row.hits), resetAt: new Date(row.resetAt) };
}

/** Takes one hit back while the window runs. */
export async function undoRateLimitHit(db: Db, key: string, now: Date): Promise<void> {
  await db.rateLimitWindow.updateMany({ where: { key, resetAt: { gt: now }, hits: { gt: 0 } }, data: { hits: { decrement: 1 } } });
}

export async function deleteRateLimitWindow(db: Db, key: string): Promise<void> {
  await db.rateLimitWindow.deleteMany({ where: { key } });
}

/** Drops windows that ended before `now` (they count nothing any more). */
export async function deleteEndedRateLimitWindows(db: Db, now: Date): Promise<number> {
  return (await db.rateLimitWindow.deleteMany({ where: { resetAt: { lte: now } } })).count;
}
