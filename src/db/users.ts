import type { Db } from "./client";

export type UserRole = "student" | "instructor";
export type PublicUser = { id: number; email: string; name: string; role: UserRole };

const publicFields = { id: true, email: true, name: true, role: true } as const;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function selectOptionalUserByEmail(db: Db, email: string) {
  return db.user.findUnique({ where: { email: normalizeEmail(email) } });
}

export async function insertUser(
  db: Db,
  user: { email: string; name: string; role: UserRole; passwordHash: string },
): Promise<PublicUser> {
  return db.user.create({
    data: { ...user, email: normalizeEmail(user.email) },
    select: publicFields,
  }) as Promise<PublicUser>;
}

export async function countUsers(db: Db): Promise<number> {
  return db.user.count();
}

/** The password hash and whether an instructor chose it at roster import (then not yet replaced). */
export async function selectOptionalCredentials(db: Db, userId: number): Promise<{ passwordHash: string; instructorChosen: boolean } | null> {
  const u = await db.user.findUnique({ where: { id: userId }, select: { passwordHash: true, passwordSetByCourseId: true } });
  return u ? { passwordHash: u.passwordHash, instructorChosen: u.passwordSetByCourseId !== null } : null;
}
