import { insertAccountSetups } from "../db/account-setups";
import type { Db } from "../db/client";
import { selectMissingEmails, upsertRoster } from "../db/courses";
import { normalizeEmail } from "../db/users";
import { hashPassword } from "./passwords";
import { randomToken, sha256 } from "./secrets";

export type RosterRow = { email: string; name: string; password?: string };
export type SetupLink = { email: string; name: string; path: string };
export type RosterResult = {
  /** Students new to this course (an account is made for whoever had none; that is not reported). */
  created: number;
  /** The same count: students newly enrolled in this course. */
  enrolled: number;
  /** One one-time link per newly enrolled student, to hand to them (never stored readable). */
  setupLinks: SetupLink[];
};

/**
 * Enrols a roster as students of a course without giving the importing instructor any hold on
 * an account that may belong to other courses, and without telling them which e-mails had one:
 * - a password given here applies only to an account this import creates; an existing account's
 *   credentials are never set (a password another course's instructor chose is voided instead);
 * - an account created without a password has none until its holder chooses one through the
 *   one-time setup link every newly enrolled student gets (new account or not, so the response
 *   is the same either way; on an account that has a password the link only leads to sign-in);
 * - `created` and `enrolled` both count students new to this course.
 * Only new accounts with a given password are hashed, in parallel on the thread pool.
 */
export async function importRoster(db: Db, courseId: number, rows: RosterRow[]): Promise<RosterResult> {
  const unique = new Map<string, RosterRow>();
  for (const row of rows) unique.set(normalizeEmail(row.email), { ...row, email: normalizeEmail(row.email) });
  const missing = await selectMissingEmails(db, [...unique.keys()]);
  const entries = await Promise.all(
    [...unique.values()].map(async (row) => ({
      ...row,
      passwordHash: missing.has(row.email) && row.password !== undefined ? await hashPassword(row.password) : "",
    })),
  );
  const { newlyEnrolled } = await upsertRoster(db, courseId, entries);
  const links = newlyEnrolled.map((u) => ({ user: u, token: randomToken() }));
  await insertAccountSetups(db, links.map(({ user, token }) => ({ tokenHash: sha256(token), userId: user.id, courseId })));
  return {
    created: newlyEnrolled.length,
    enrolled: newlyEnrolled.length,
    setupLinks: links.map(({ user, token }) => ({ email: user.email, name: user.name, path: `/welcome/${token}` })),
  };
}
