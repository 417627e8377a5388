import type { Db } from "../db/client";
import { selectOptionalCredentials, updateOwnPassword } from "../db/users";
import { hashPassword, verifyPassword } from "./passwords";

/** Whether the account still signs in with a password an instructor chose at roster import. */
export async function hasInstructorChosenPassword(db: Db, userId: number): Promise<boolean> {
  return (await selectOptionalCredentials(db, userId))?.instructorChosen ?? false;
}

/**
 * Replaces the signed-in user's password after checking the current one; false when that is wrong.
 * Other sessions and all API tokens end; `keepSessionHash` (this browser) stays signed in.
 */
export async function changeOwnPassword(db: Db, userId: number, current: string, next: string, keepSessionHash?: string): Promise<boolean> {
  const creds = await selectOptionalCredentials(db, userId);
  if (!creds || !(await verifyPassword(creds.passwordHash || undefined, current))) return false;
  await updateOwnPassword(db, userId, await hashPassword(next), keepSessionHash);
  return true;
}
