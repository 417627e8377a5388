import type { Db } from "./client";
import type { PublicUser } from "./users";

/** Setup links last two weeks: long enough to reach a class, short enough not to linger. */
export const SETUP_LINK_LIFETIME_MS = 14 * 24 * 3600 * 1000;

export type AccountSetupRow = { id: number; userId: number; courseId: number; expiresAt: Date; usedAt: Date | null; user: { id: number; email: string; name: string; passwordHash: string } };

export async function insertAccountSetups(db: Db, rows: { tokenHash: string; userId: number; courseId: number }[]): Promise<void> {
  const expiresAt = new Date(Date.now() + SETUP_LINK_LIFETIME_MS);
  await db.accountSetup.createMany({ data: rows.map((r) => ({ ...r, expiresAt })) });
}

/** A setup link that is unused and unexpired, with its account; null otherwise. */
export async function selectOptionalLiveSetup(db: Db, tokenHash: string): Promise<AccountSetupRow | null> {
  const row = await db.accountSetup.findUnique({
    where: { tokenHash },
    select: { id: true, userId: true, courseId: true, expiresAt: true, usedAt: true, user: { select: { id: true, email: true, name: true, passwordHash: true } } },
  });
  if (!row || row.usedAt || row.expiresAt.getTime() < Date.now()) return null;
  return row;
}

/**
 * Sets the first password of an account that has none, through one live link, and spends the link;
 * null when the link was spent meanwhile or the account has a password already (nothing changes).
 */
export async function completeAccountSetup(db: Db, setupId: number, userId: number, passwordHash: string): Promise<PublicUser | null> {
  return db.$transaction(async (tx) => {
    const spent = await tx.accountSetup.updateMany({ where: { id: setupId, usedAt: null, expiresAt: { gt: new Date() } }, data: { usedAt: new Date() } });
    if (spent.count !== 1) return null;
    const set = await tx.user.updateMany({ where: { id: userId, passwordHash: "" }, data: { passwordHash, passwordSetByCourseId: null } });
    if (set.count !== 1) return null;
    // Any other course's links for this account die with its first password.
    await tx.accountSetup.updateMany({ where: { userId, usedAt: null }, data: { usedAt: new Date() } });
    return (await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { id: true, email: true, name: true, role: true } })) as PublicUser;
  });
}

/** Spends a link that leads nowhere (its account already has a password). */
export async function spendAccountSetup(db: Db, setupId: number): Promise<void> {
  await db.accountSetup.updateMany({ where: { id: setupId, usedAt: null }, data: { usedAt: new Date() } });
}
