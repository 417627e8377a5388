import type { Db } from "../db/client";
import { selectMissingEmails, upsertRoster } from "../db/courses";
import { normalizeEmail } from "../db/users";
import { hashPassword } from "./passwords";
import { readablePassword } from "./secrets";

export type RosterRow = { email: string; name: string; password?: string };
export type RosterResult = {
  created: number;
  enrolled: number;
  /** Passwords generated for new accounts that came without one: shown to the instructor once. */
  passwords: { email: string; name: string; password: string }[];
};

/**
 * Creates missing accounts and enrols everyone as a student. Only new accounts are hashed, and
 * in parallel on the thread pool, so re-importing a roster of 300 costs no hashing at all.
 */
export async function importRoster(db: Db, courseId: number, rows: RosterRow[]): Promise<RosterResult> {
  const unique = new Map<string, RosterRow>();
  for (const row of rows) unique.set(normalizeEmail(row.email), { ...row, email: normalizeEmail(row.email) });
  const missing = await selectMissingEmails(db, [...unique.keys()]);
  const generated: RosterResult["passwords"] = [];
  const entries = await Promise.all(
    [...unique.values()].map(async (row) => {
      if (!missing.has(row.email)) return { ...row, passwordHash: "" };
      let password = row.password;
      if (password === undefined) {
        password = readablePassword();
        generated.push({ email: row.email, name: row.name, password });
      }
      return { ...row, passwordHash: await hashPassword(password) };
    }),
  );
  const { created, enrolled } = await upsertRoster(db, courseId, entries);
  const createdEmails = new Set(created.map((u) => u.email));
  return { created: created.length, enrolled, passwords: generated.filter((p) => createdEmails.has(p.email)) };
}
