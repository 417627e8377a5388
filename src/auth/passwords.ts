import { hash, verify } from "@node-rs/argon2";

/**
 * argon2id at the OWASP minimum (19 MiB, t = 2, p = 1): about 50-80 ms a hash on these machines.
 * Hashing runs on libuv's thread pool, so a class signing in at once queues there, not on the
 * event loop; the stronger library default (64 MiB, t = 3) would cost ~250 ms each.
 */
const OPTIONS = { algorithm: 2 /* Argon2id */, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

// A valid hash to verify against when the account does not exist, so response time does not
// reveal which emails have accounts.
let dummyHash: Promise<string> | undefined;

export async function verifyPassword(passwordHash: string | undefined, password: string): Promise<boolean> {
  if (!passwordHash) {
    dummyHash ??= hashPassword("no-such-account-" + Date.now());
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return verify(passwordHash, password).catch(() => false);
}
