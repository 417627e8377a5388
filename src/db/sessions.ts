import type { Db } from "./client";
import type { PublicUser } from "./users";

/** Browser sessions last two weeks from sign-in. */
export const SESSION_LIFETIME_MS = 14 * 24 * 3600 * 1000;
/** API tokens last one day; scripts ask for a new one. */
export const TOKEN_LIFETIME_MS = 24 * 3600 * 1000;

export async function insertSession(db: Db, idHash: string, userId: number, csrfToken: string): Promise<void> {
  await db.session.create({
    data: { id: idHash, userId, csrfToken, expiresAt: new Date(Date.now() + SESSION_LIFETIME_MS) },
  });
}

export async function selectOptionalSessionUser(
  db: Db,
  idHash: string,
): Promise<{ user: PublicUser; csrfToken: string } | null> {
  const s = await db.session.findUnique({
    where: { id: idHash },
    select: { expiresAt: true, csrfToken: true, user: { select: { id: true, email: true, name: true, role: true } } },
  });
  if (!s || s.expiresAt.getTime() < Date.now()) return null;
  return { user: s.user as PublicUser, csrfToken: s.csrfToken };
}

export async function deleteSession(db: Db, idHash: string): Promise<void> {
  await db.session.deleteMany({ where: { id: idHash } });
}

export async function deleteExpiredSessions(db: Db): Promise<number> {
  const now = new Date();
  const a = await db.session.deleteMany({ where: { expiresAt: { lt: now } } });
  const b = await db.apiToken.deleteMany({ where: { expiresAt: { lt: now } } });
  return a.count + b.count;
}

export async function insertApiToken(db: Db, tokenHash: string, userId: number): Promise<Date> {
  const expiresAt = new Date(Date.now() + TOKEN_LIFETIME_MS);
  await db.apiToken.create({ data: { tokenHash, userId, expiresAt } });
  return expiresAt;
}

/** The token's user and expiry, or null when the token is unknown or expired. */
export async function selectOptionalTokenUser(db: Db, tokenHash: string): Promise<{ user: PublicUser; expiresAt: Date } | null> {
  const t = await db.apiToken.findUnique({
    where: { tokenHash },
    select: { expiresAt: true, user: { select: { id: true, email: true, name: true, role: true } } },
  });
  if (!t || t.expiresAt.getTime() < Date.now()) return null;
  return { user: t.user as PublicUser, expiresAt: t.expiresAt };
}

/** A session that lives `ms` (LTI: a one-time code handing a framed sign-in to a new window). */
export async function insertShortSession(db: Db, idHash: string, userId: number, csrfToken: string, ms: number): Promise<void> {
  await db.session.create({ data: { id: idHash, userId, csrfToken, expiresAt: new Date(Date.now() + ms) } });
}

/** Deletes a session and returns its user when it was live: single use. */
export async function consumeShortSession(db: Db, idHash: string): Promise<number | null> {
  const s = await db.session.findUnique({ where: { id: idHash }, select: { userId: true, expiresAt: true } });
  if (!s) return null;
  const gone = await db.session.deleteMany({ where: { id: idHash } });
  return gone.count === 1 && s.expiresAt.getTime() > Date.now() ? s.userId : null;
}
