import type { Db } from "../db/client";
import { selectOptionalPasswordHash, updatePasswordRevokingOthers, type KeptCredential } from "../db/credentials";
import { selectOptionalCredentials } from "../db/users";
import { HttpError } from "../http-error";
import { hashPassword, verifyPassword } from "./passwords";

/**
 * A user changes their own password: the current one must match; the new one is stored and every
 * other session and token of the user is revoked before this resolves (the caller's own credential,
 * `keep`, survives: the page then gives the browser a fresh session id).
 * @throws HttpError 400 when the current password is wrong or the new one equals it.
 */
export async function changePassword(db: Db, userId: number, currentPassword: string, newPassword: string, keep: KeptCredential): Promise<void> {
  const stored = await selectOptionalPasswordHash(db, userId);
  if (!stored || !(await verifyPassword(stored, currentPassword))) {
    throw new HttpError(400, "currentPassword: that is not your current password");
  }
  if (newPassword === currentPassword) throw new HttpError(400, "newPassword: choose a password different from the current one");
  await updatePasswordRevokingOthers(db, userId, await hashPassword(newPassword), keep);
}

/** Whether the account still signs in with a password an instructor chose (roster import or reset). */
export async function hasInstructorChosenPassword(db: Db, userId: number): Promise<boolean> {
  return (await selectOptionalCredentials(db, userId))?.instructorChosen ?? false;
}
