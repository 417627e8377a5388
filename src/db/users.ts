import type { Db } from "./client";

/** Account kinds: what a user may do in a course is their Enrollment.role; `admin` runs the server. */
export const USER_ROLES = ["admin", "instructor", "student"] as const;
export type UserRole = (typeof USER_ROLES)[number];
export type PublicUser = { id: number; email: string; name: string; role: UserRole };
export type AccountRow = PublicUser & { createdAt: Date };

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

/** Accounts by email, optionally only one role and/or emails or names containing `search`. */
export async function selectAccounts(db: Db, filter: { role?: UserRole; search?: string; limit?: number } = {}): Promise<AccountRow[]> {
  const search = filter.search?.trim();
  const rows = await db.user.findMany({
    where: {
      ...(filter.role ? { role: filter.role } : {}),
      ...(search ? { OR: [{ email: { contains: search.toLowerCase() } }, { name: { contains: search } }] } : {}),
    },
    select: { ...publicFields, createdAt: true },
    orderBy: { email: "asc" },
    take: filter.limit,
  });
  return rows as AccountRow[];
}

/** Number of accounts per role (roles without accounts are 0). */
export async function countAccountsByRole(db: Db): Promise<Record<UserRole, number>> {
  const groups = await db.user.groupBy({ by: ["role"], _count: { _all: true } });
  const out = { admin: 0, instructor: 0, student: 0 } as Record<UserRole, number>;
  for (const g of groups) if ((USER_ROLES as readonly string[]).includes(g.role)) out[g.role as UserRole] = g._count._all;
  return out;
}

/** Sets the account role of the user with this email; null when there is no such account. */
export async function updateUserRoleByEmail(db: Db, email: string, role: UserRole): Promise<PublicUser | null> {
  const { count } = await db.user.updateMany({ where: { email: normalizeEmail(email) }, data: { role } });
  if (count === 0) return null;
  return db.user.findUnique({ where: { email: normalizeEmail(email) }, select: publicFields }) as Promise<PublicUser | null>;
}

export async function updateUserRoleById(db: Db, id: number, role: UserRole): Promise<PublicUser | null> {
  const { count } = await db.user.updateMany({ where: { id }, data: { role } });
  if (count === 0) return null;
  return db.user.findUnique({ where: { id }, select: publicFields }) as Promise<PublicUser | null>;
}

/** The password hash and whether an instructor chose it at roster import (then not yet replaced). */
export async function selectOptionalCredentials(db: Db, userId: number): Promise<{ passwordHash: string; instructorChosen: boolean } | null> {
  const u = await db.user.findUnique({ where: { id: userId }, select: { passwordHash: true, passwordSetByCourseId: true } });
  return u ? { passwordHash: u.passwordHash, instructorChosen: u.passwordSetByCourseId !== null } : null;
}
