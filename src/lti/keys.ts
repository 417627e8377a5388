import crypto from "node:crypto";
import { promisify } from "node:util";
import type { Db } from "../db/client";
import { deleteKeysExcept, deleteKeysRetiredBefore, insertKey, retireKeysExcept, selectKeys, type KeyRow } from "../db/lti";

/**
 * The tool's RSA signing keys. The private key is stored AES-256-GCM encrypted under a key derived
 * (HKDF) from SESSION_SECRET, and leaves neither the database nor this process in clear text.
 */

/** A retired key stays in the JWKS this long: longer than any token it signed lives (5-10 minutes). */
export const RETIRED_KEY_PUBLISHED_MS = 60 * 60 * 1000;

export type PublicJwk = { kty: "RSA"; kid: string; use: "sig"; alg: "RS256"; n: string; e: string };
export type SigningKey = { kid: string; privateKey: crypto.KeyObject };

const generateKeyPair = promisify(crypto.generateKeyPair);

function wrappingKey(secret: string): Buffer {
  return Buffer.from(crypto.hkdfSync("sha256", secret, "likely-lti", "lti-private-key-encryption", 32));
}

export function encryptPrivateKey(secret: string, pem: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", wrappingKey(secret), iv);
  const body = Buffer.concat([cipher.update(pem, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(".");
}

export function decryptPrivateKey(secret: string, stored: string): crypto.KeyObject {
  const [v, iv, tag, body] = stored.split(".");
  if (v !== "v1" || !iv || !tag || !body) throw new Error("LTI key: unknown storage format");
  try {
    const decipher = crypto.createDecipheriv("aes-256-gcm", wrappingKey(secret), Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    const pem = Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
    return crypto.createPrivateKey(pem);
  } catch {
    throw new Error("LTI key: cannot decrypt the tool's private key; was SESSION_SECRET changed? Run `likely lti rotate-key` to make a new one");
  }
}

async function newKey(db: Db, secret: string): Promise<KeyRow> {
  const { publicKey, privateKey } = await generateKeyPair("rsa", { modulusLength: 2048 });
  const kid = crypto.randomBytes(12).toString("base64url");
  const jwk = publicKey.export({ format: "jwk" }) as { n: string; e: string };
  const publicJwk: PublicJwk = { kty: "RSA", kid, use: "sig", alg: "RS256", n: jwk.n, e: jwk.e };
  const pem = privateKey.export({ format: "pem", type: "pkcs8" }) as string;
  return insertKey(db, { kid, publicJwk: JSON.stringify(publicJwk), privateEnc: encryptPrivateKey(secret, pem) });
}

// Reloaded every minute, so a rotation by `likely lti rotate-key` (another process) is picked up.
const cache = new WeakMap<Db, SigningKey & { loadedAt: number }>();
const CACHE_MS = 60_000;

/** The newest unretired key, made on first use. */
export async function signingKey(db: Db, secret: string): Promise<SigningKey> {
  const cached = cache.get(db);
  if (cached && Date.now() - cached.loadedAt < CACHE_MS) return cached;
  const keys = await selectKeys(db);
  let row = keys.filter((k) => !k.retiredAt).at(-1);
  row ??= await newKey(db, secret);
  const key = { kid: row.kid, privateKey: decryptPrivateKey(secret, row.privateEnc), loadedAt: Date.now() };
  cache.set(db, key);
  return key;
}

/** The published key set: the signing key and keys retired less than an hour ago. */
export async function publicJwks(db: Db, secret: string): Promise<{ keys: PublicJwk[] }> {
  await signingKey(db, secret); // a fresh install publishes a key before anyone asks it to sign
  await deleteKeysRetiredBefore(db, new Date(Date.now() - RETIRED_KEY_PUBLISHED_MS));
  const keys = await selectKeys(db);
  return { keys: keys.map((k) => JSON.parse(k.publicJwk) as PublicJwk) };
}

/**
 * Makes a new signing key. The old ones stay published for an hour (tokens they signed stay
 * verifiable), or are deleted at once when `revoke` says the old key is compromised.
 */
export async function rotateKey(db: Db, secret: string, revoke = false): Promise<{ kid: string; removed: number }> {
  const row = await newKey(db, secret);
  let removed = 0;
  if (revoke) removed = await deleteKeysExcept(db, row.kid);
  else await retireKeysExcept(db, row.kid, new Date());
  cache.delete(db);
  return { kid: row.kid, removed };
}

/** Forget the cached signing key (another process rotated it). */
export function forgetSigningKey(db: Db): void {
  cache.delete(db);
}
