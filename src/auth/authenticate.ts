import type { Db } from "../db/client";
import { selectOptionalUserByEmail, type PublicUser, type UserRole } from "../db/users";
import { verifyPassword } from "./passwords";

/** The user with this email and password, or null; takes the same time whether or not the email exists. */
export async function authenticate(db: Db, email: string, password: string): Promise<PublicUser | null> {
  const user = await selectOptionalUserByEmail(db, email);
  const ok = await verifyPassword(user?.passwordHash || undefined, password);
  if (!user || !ok) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role as UserRole };
}
