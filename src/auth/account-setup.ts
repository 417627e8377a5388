import { completeAccountSetup, selectOptionalLiveSetup, spendAccountSetup } from "../db/account-setups";
import type { Db } from "../db/client";
import type { PublicUser } from "../db/users";
import { hashPassword } from "./passwords";
import { sha256 } from "./secrets";

/** What a setup link leads to: choosing a first password, or (the account has one) signing in. */
export type SetupState = { kind: "choose"; email: string; name: string } | { kind: "sign-in" } | null;

/** The state of a setup link; null when it is unknown, spent or expired. Opening it spends nothing. */
export async function setupState(db: Db, token: string): Promise<SetupState> {
  const setup = await selectOptionalLiveSetup(db, sha256(token));
  if (!setup) return null;
  return setup.user.passwordHash === "" ? { kind: "choose", email: setup.user.email, name: setup.user.name } : { kind: "sign-in" };
}

/**
 * Sets the first password through a live link and spends it (and the account's other links).
 * Null when the link is dead or the account already has a password: a link never replaces one.
 */
export async function completeSetup(db: Db, token: string, password: string): Promise<PublicUser | null> {
  const setup = await selectOptionalLiveSetup(db, sha256(token));
  if (!setup) return null;
  if (setup.user.passwordHash !== "") {
    await spendAccountSetup(db, setup.id);
    return null;
  }
  return completeAccountSetup(db, setup.id, setup.userId, await hashPassword(password));
}
