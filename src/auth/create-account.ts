import { z } from "zod";
import type { Db } from "../db/client";
import { isUniqueViolation } from "../db/errors";
import { insertUser, normalizeEmail, USER_ROLES, type PublicUser } from "../db/users";
import { hashPassword } from "./passwords";
import { readablePassword } from "./secrets";

/** A new account as the CLI (`likely users add`) and the admin page give it. */
export const newAccountSchema = z.object({
  email: z.email({ error: "expected an email address such as ada@example.edu" }).max(254, { error: "at most 254 characters" }),
  name: z.string().trim().min(1, { error: "must not be empty" }).max(200, { error: "at most 200 characters" }),
  role: z.enum(USER_ROLES, { error: `expected one of ${USER_ROLES.join(", ")}` }),
  password: z.string().min(8, { error: "at least 8 characters" }).max(200, { error: "at most 200 characters" }).optional(),
});
export type NewAccount = z.input<typeof newAccountSchema>;

/** Input that names the field at fault (`email`, `name`, `role`, `password`). */
export class AccountInputError extends Error {
  override name = "AccountInputError";
  constructor(
    readonly field: string,
    message: string,
    readonly conflict = false,
  ) {
    super(`${field}: ${message}`);
  }
}

/**
 * Creates an account. Without a password one is generated (readable, ~78 bits) and returned once;
 * only its argon2id hash is stored.
 * @throws AccountInputError naming the field: invalid input, or `email` already taken (conflict).
 */
export async function createAccount(db: Db, input: NewAccount): Promise<{ user: PublicUser; password: string; generated: boolean }> {
  const parsed = newAccountSchema.safeParse({ ...input, email: typeof input.email === "string" ? normalizeEmail(input.email) : input.email });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AccountInputError(String(issue.path[0] ?? "account"), issue.message);
  }
  const { email, name, role } = parsed.data;
  const password = parsed.data.password ?? readablePassword();
  try {
    const user = await insertUser(db, { email, name, role, passwordHash: await hashPassword(password) });
    return { user, password, generated: parsed.data.password === undefined };
  } catch (err) {
    if (isUniqueViolation(err)) throw new AccountInputError("email", `an account with ${email} exists already`, true);
    throw err;
  }
}
